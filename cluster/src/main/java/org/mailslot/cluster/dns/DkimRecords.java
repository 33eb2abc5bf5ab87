package org.mailslot.cluster.dns;

import java.util.List;

/**
 * Where the DKIM public keys to publish come from: the directory's keys ({@code admin domain dkim generate}) in
 * {@link DirectoryZoneSource}, or another source; {@link #NONE} publishes none.
 */
@FunctionalInterface
public interface DkimRecords {

    /** Every public key record to publish. */
    List<DkimRecord> list();

    DkimRecords NONE = List::of;
}
