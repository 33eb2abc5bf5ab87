package org.mailslot.store;

import java.util.List;

/** The result of {@link SlotStore#verify()}; orphan blobs (no row) are not problems. */
public record VerifyReport(int slotId, long blobsChecked, long rowsChecked, List<String> problems) {
    public VerifyReport {
        problems = List.copyOf(problems);
    }

    public boolean clean() {
        return problems.isEmpty();
    }
}
