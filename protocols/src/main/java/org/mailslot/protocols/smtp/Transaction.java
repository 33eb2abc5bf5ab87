package org.mailslot.protocols.smtp;

import org.mailslot.protocols.delivery.MailDrop;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One mail transaction, from MAIL to the end of DATA or BDAT LAST (or RSET). It owns the spool of a chunked
 * (BDAT) message, which {@link #close()} deletes.
 */
final class Transaction implements AutoCloseable {
    final String id;
    final SmtpCommand.Mail mail;
    /** Accepted recipients in RCPT order; LMTP answers one line per entry. */
    final List<MailDrop.Recipient> recipients = new ArrayList<>();
    /** Set by the first BDAT: the spool being filled and the normalizing stream in front of it. */
    Spool chunks;
    OutputStream chunkSink;

    Transaction(String id, SmtpCommand.Mail mail) {
        this.id = id;
        this.mail = mail;
    }

    boolean chunking() {
        return chunks != null;
    }

    @Override
    public void close() {
        if (chunks != null) {
            chunks.close();
            chunks = null;
        }
    }
}
