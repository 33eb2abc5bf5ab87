package org.mailslot.store;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One entry of the slot's change log: what replication ships. {@code payload} is UTF-8 JSON holding what the
 * operation was (for the full-text index and people reading the log) and, under {@code "rows"}, the image of every
 * row it wrote ({@link RowCapture}), which is what a replica applies; bodies travel separately, named by their
 * hashes. {@code crc32c} covers the payload.
 */
public record ChangeRecord(long seq, long epoch, String kind, byte[] payload, int crc32c) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The tables whose rows name a body by {@code blob_hash} (with its length in {@code size}): message rows and
     * outbound queue entries. A row of these is inserted whole (image op "u") and its body never changes after.
     */
    public static final Set<String> BODY_TABLES = Set.of("message", "outbound");

    /** The bodies the record's new rows refer to: a replica must have them before it applies the record. */
    public Set<String> bodyHashes() {
        Set<String> out = new LinkedHashSet<>();
        try {
            for (JsonNode image : JSON.readTree(payload).path("rows")) {
                if (BODY_TABLES.contains(image.path("t").asText()) && "u".equals(image.path("op").asText())) {
                    out.add(image.path("row").path("blob_hash").asText());
                }
            }
        } catch (IOException e) {
            throw new StoreException(StoreException.Reason.IO, "change " + seq + " is not JSON", e);
        }
        return out;
    }
}
