package org.mailslot.protocols;

/** The account's slot cannot be served by this node right now (not its master, failing over, closed). */
public final class SlotUnavailableException extends RuntimeException {
    private final int slotId;

    public SlotUnavailableException(int slotId, String reason) {
        super("slot " + slotId + " unavailable: " + reason);
        this.slotId = slotId;
    }

    public int slotId() {
        return slotId;
    }
}
