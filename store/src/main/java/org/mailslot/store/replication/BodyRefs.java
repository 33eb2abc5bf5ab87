package org.mailslot.store.replication;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.mailslot.store.ChangeRecord;

/**
 * The bodies a batch needs, with their sizes: the message and outbound rows the records write ({@link ChangeRecord#bodyHashes()}'s
 * rule), each naming its body's hash and, in {@code size}, its length in bytes, which the BODY offer announces.
 */
final class BodyRefs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BodyRefs() {
    }

    /** Hash to size, in the order the records name them, each once. */
    static Map<String, Long> of(List<ChangeRecord> records) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (ChangeRecord r : records) {
            JsonNode rows;
            try {
                rows = JSON.readTree(r.payload()).path("rows");
            } catch (IOException e) {
                throw new IOException("change " + r.seq() + " of the master's log is not JSON", e);
            }
            for (JsonNode image : rows) {
                if (ChangeRecord.BODY_TABLES.contains(image.path("t").asText()) && "u".equals(image.path("op").asText())) {
                    JsonNode row = image.path("row");
                    long size = row.path("size").asLong(-1);
                    if (size < 0 || !row.path("size").isIntegralNumber()) {
                        throw new IOException("change " + r.seq() + " writes a " + image.path("t").asText()
                                + " row without a size");
                    }
                    out.putIfAbsent(row.path("blob_hash").asText(), size);
                }
            }
        }
        return out;
    }
}
