package org.mailslot.protocols.smtp;

import org.mailslot.core.net.Line;
import org.mailslot.protocols.smtp.SmtpCommand.Verb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;

/**
 * DATA (RFC 5321 4.1.1.4): reads the dot-terminated content through {@link DotDecoder} into a {@link Spool}, under
 * the data-timeout, then hands it to {@link MessageDelivery}. A message over the size limit is read to its end and
 * refused with 552 5.3.4; the session goes on.
 */
final class DataCommand {
    private static final Logger log = LoggerFactory.getLogger(DataCommand.class);
    /** Content lines are read in pieces of at most this many octets; longer lines pass through in pieces. */
    static final int CHUNK = 64 * 1024;

    private final MessageDelivery delivery;

    DataCommand(MessageDelivery delivery) {
        this.delivery = delivery;
    }

    void handle(SmtpSession s) throws IOException {
        Transaction t = s.txn;
        if (t == null) {
            s.refuse(Verb.DATA, Reply.of(503, "5.5.1", "Need MAIL command"), "state");
            return;
        }
        if (t.chunking()) {
            s.refuse(Verb.DATA, Reply.of(503, "5.5.1", "DATA not allowed after BDAT"), "state");
            return;
        }
        if (t.recipients.isEmpty()) {
            s.refuse(Verb.DATA, Reply.of(554, "5.5.1", "No valid recipients"), "state");
            return;
        }
        try (Spool spool = s.openSpool(t)) {
            s.reply(Verb.DATA, Reply.of(354, null, "End data with <CR><LF>.<CR><LF>"));
            s.conn.flush();
            DotDecoder decoder = new DotDecoder();
            s.conn.transferDeadline(s.settings.dataTimeout());
            try {
                while (true) {
                    Line line = s.conn.readLine(CHUNK);
                    if (line == null) {
                        throw new EOFException("connection closed during DATA");
                    }
                    DotDecoder.Step step = decoder.feed(line, spool.body());
                    if (step == DotDecoder.Step.END) {
                        break;
                    }
                    if (step == DotDecoder.Step.EOF) {
                        throw new EOFException("connection closed during DATA");
                    }
                }
            } finally {
                s.conn.transferDeadline(null);
            }
            if (decoder.bareLineFeeds() > 0) {
                log.info("{} {} DATA had {} lines ending in a bare LF (stored with CRLF)", s.conn.id(), t.id, decoder.bareLineFeeds());
            }
            if (spool.exceeded()) {
                s.refuse(Verb.DATA, Reply.of(552, "5.3.4", "Message size exceeds fixed limit of "
                        + s.settings.messageSizeLimit() + " octets"), "limit", false);
                return;
            }
            delivery.finish(s, t, spool, Verb.DATA);
        } finally {
            s.endTransaction();
        }
    }
}
