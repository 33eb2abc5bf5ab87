-- VIPs: the service addresses DNS hands out, each held by at most one live front at a time (DESIGN.md section 6;
-- architecture.md "VIPs and DNS"). SQLite dialect; keep in step with ../postgresql/V6__vips.sql (they are the same).

-- The fronts' VIP agents: each writes its heartbeat here every vip.heartbeat, NULL after a clean stop. Kept apart
-- from nodes.heartbeat_at so that a node that is both store and front cannot keep its VIPs alive with its store
-- heartbeat while its VIP agent is stuck, and so that a stopping front can say at once that it is gone.
CREATE TABLE vip_fronts (
    node         TEXT   NOT NULL PRIMARY KEY REFERENCES nodes (name),
    heartbeat_at BIGINT
);

-- address: canonical text of an IPv4 or IPv6 address. interface: where the linux IP manager adds it (NULL: the
-- front's vip.interface). owner: the front that holds it, with owner_since; NULL while nobody does. moving_to: a
-- planned move from a live owner, who removes the address and then hands the row over (never two holders).
CREATE TABLE vips (
    address     TEXT   NOT NULL PRIMARY KEY,
    interface   TEXT,
    owner       TEXT   REFERENCES nodes (name),
    owner_since BIGINT,
    moving_to   TEXT   REFERENCES nodes (name),
    created     BIGINT NOT NULL,
    updated     BIGINT NOT NULL,
    CHECK ((owner IS NULL) = (owner_since IS NULL)),
    CHECK (moving_to IS NULL OR (owner IS NOT NULL AND moving_to <> owner))
);
