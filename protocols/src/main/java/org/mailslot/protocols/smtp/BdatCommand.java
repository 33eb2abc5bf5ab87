package org.mailslot.protocols.smtp;

import org.mailslot.protocols.smtp.SmtpCommand.Verb;

import java.io.IOException;
import java.io.OutputStream;

/**
 * BDAT (RFC 3030 CHUNKING): reads exactly the announced octets, always, even when refusing the chunk, so that the
 * next command is found. Chunks go through {@link CrlfNormalizer} into the transaction's spool; LAST delivers.
 * BDAT without a transaction, or after all recipients were refused, gets 503/554; DATA after BDAT gets 503.
 * BINARYMIME is not offered: stored mail stays line-oriented text, as IMAP clients expect.
 */
final class BdatCommand {
    private final MessageDelivery delivery;

    BdatCommand(MessageDelivery delivery) {
        this.delivery = delivery;
    }

    void handle(SmtpSession s, SmtpCommand.Bdat b) throws IOException {
        Transaction t = s.txn;
        Reply refusal = t == null ? Reply.of(503, "5.5.1", "Need MAIL command")
                : t.recipients.isEmpty() ? Reply.of(554, "5.5.1", "No valid recipients") : null;
        if (refusal != null) {
            read(s, b.size(), OutputStream.nullOutputStream());
            s.refuse(Verb.BDAT, refusal, "state", false);
            return;
        }
        if (t.chunks == null) {
            t.chunks = s.openSpool(t);
            t.chunkSink = new CrlfNormalizer(t.chunks.body());
        }
        read(s, b.size(), t.chunkSink);
        if (t.chunks.exceeded()) {
            s.endTransaction();
            s.refuse(Verb.BDAT, Reply.of(552, "5.3.4", "Message size exceeds fixed limit of "
                    + s.settings.messageSizeLimit() + " octets"), "limit", false);
            return;
        }
        if (!b.last()) {
            s.reply(Verb.BDAT, Reply.of(250, "2.0.0", b.size() + " octets received"));
            return;
        }
        try {
            t.chunkSink.flush();
            delivery.finish(s, t, t.chunks, Verb.BDAT);
        } finally {
            s.endTransaction();
        }
    }

    private static void read(SmtpSession s, long size, OutputStream sink) throws IOException {
        s.conn.transferDeadline(s.settings.dataTimeout());
        try {
            s.conn.readExact(size, sink);
        } finally {
            s.conn.transferDeadline(null);
        }
    }
}
