package org.mailslot.cluster.dns;

import java.util.List;

/**
 * Where the DKIM keys of the hosted domains come from. The directory's DKIM key table (and the signer that uses the
 * private halves) is another part's; until it exists the responder publishes none ({@link #NONE}).
 */
@FunctionalInterface
public interface DkimRecords {

    /** Every public key record to publish. */
    List<DkimRecord> list();

    DkimRecords NONE = List::of;
}
