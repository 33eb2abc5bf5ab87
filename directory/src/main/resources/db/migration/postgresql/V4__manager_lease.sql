-- Leases by name (today one: "cluster-manager", held by the store node that runs automatic failover). A node
-- holds a lease until `until` (epoch millis of the holder's clock); another takes it only after that.
CREATE TABLE leases (
    name  TEXT   NOT NULL PRIMARY KEY,
    owner TEXT   NOT NULL,
    until BIGINT NOT NULL
);
