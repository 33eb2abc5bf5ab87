package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/** ID (RFC 2971): the client's identification goes to the log; the server names itself without a version. */
public final class IdCommand {
    private static final Logger log = LoggerFactory.getLogger(IdCommand.class);

    private IdCommand() {}

    public static void run(ImapSession s, ImapRequest.Id r) throws IOException {
        if (r.params() != null && !r.params().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (ImapRequest.IdParam p : r.params()) {
                if (!sb.isEmpty()) {
                    sb.append(", ");
                }
                sb.append(p.field()).append('=').append(p.value());
            }
            String text = sb.length() > 300 ? sb.substring(0, 300) + "..." : sb.toString();
            log.info("imap {} client id: {}", s.connection().id(), text.replaceAll("[^\\x20-\\x7e]", "?"));
        }
        s.out().start().atom("ID").open().string("name").string("mailslot").close().end();
        s.ok(r.tag(), null, "ID completed");
    }
}
