package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** ENABLE (RFC 5161): IMAP4rev2, CONDSTORE, QRESYNC (RFC 7162), UTF8=ACCEPT; others are ignored, as the RFC asks. */
public final class EnableCommand {
    private EnableCommand() {}

    public static void run(ImapSession s, ImapRequest.Enable r) throws IOException {
        List<String> enabled = new ArrayList<>();
        for (String cap : r.capabilities()) {
            switch (cap) {
                case "IMAP4REV2" -> {
                    if (!s.rev2()) {
                        s.enableRev2();
                        enabled.add("IMAP4rev2");
                    }
                }
                case "UTF8=ACCEPT" -> {
                    if (!s.utf8() || s.rev2()) {
                        s.enableUtf8();
                        enabled.add("UTF8=ACCEPT");
                    }
                }
                case "CONDSTORE" -> {
                    if (!s.condStore()) {
                        s.enableCondStore();
                        enabled.add("CONDSTORE");
                    }
                }
                case "QRESYNC" -> {
                    if (!s.qresync()) {
                        // implies CONDSTORE (RFC 7162 3.2.3), which is then not listed on its own
                        s.enableQresync();
                        enabled.add("QRESYNC");
                    }
                }
                default -> {
                    // unknown capabilities are ignored (RFC 5161 3.1)
                }
            }
        }
        s.out().start().atom("ENABLED");
        for (String cap : enabled) {
            s.out().atom(cap);
        }
        s.out().end();
        s.ok(r.tag(), null, "Enabled");
    }
}
