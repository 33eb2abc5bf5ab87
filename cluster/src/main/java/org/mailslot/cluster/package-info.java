/**
 * Cluster-wide decisions about slots and nodes: where slot copies go ({@link org.mailslot.cluster.Placement}),
 * how to even them out again ({@link org.mailslot.cluster.RebalancePlanner}), and how even they are
 * ({@link org.mailslot.cluster.Spread}).
 */
package org.mailslot.cluster;
