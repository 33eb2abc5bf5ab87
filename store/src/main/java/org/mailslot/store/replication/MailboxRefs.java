package org.mailslot.store.replication;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.mailslot.store.ChangeRecord;

/** The mailboxes change records touch: every mailbox whose row, or one of whose message rows, they write or delete. */
final class MailboxRefs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MailboxRefs() {
    }

    static Set<Long> touched(List<ChangeRecord> records) throws IOException {
        Set<Long> out = new HashSet<>();
        for (ChangeRecord r : records) {
            JsonNode rows;
            try {
                rows = JSON.readTree(r.payload()).path("rows");
            } catch (IOException e) {
                throw new IOException("change " + r.seq() + " of the master's log is not JSON", e);
            }
            for (JsonNode image : rows) {
                JsonNode row = image.path("row");
                switch (image.path("t").asText()) {
                    case "message" -> out.add(row.path("mailbox_id").asLong());
                    case "mailbox" -> out.add(row.path("id").asLong());
                    default -> { }
                }
            }
        }
        return out;
    }
}
