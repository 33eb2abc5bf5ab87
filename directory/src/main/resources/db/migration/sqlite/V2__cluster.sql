-- Several nodes: node state and roles, replication positions, slot history. SQLite dialect; keep in step with
-- ../postgresql/V2__cluster.sql (they differ only in id generation).

-- active: serves its slots; drained: the operator moved its masters away; down: failed over or switched off.
ALTER TABLE nodes ADD COLUMN state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'drained', 'down'));
ALTER TABLE nodes ADD COLUMN heartbeat_at BIGINT;   -- last heartbeat, NULL until the first one
ALTER TABLE nodes ADD COLUMN roles TEXT;            -- comma-separated, sorted: front, monitor, store
-- Until now every node registered itself to master slots: all of them are store nodes.
UPDATE nodes SET roles = 'store';

-- Each copy's replication position as its node last reported it. A row may outlive the copy (a moved copy);
-- readers join it with the slot's current master and replica.
CREATE TABLE slot_copies (
    slot_id     INTEGER NOT NULL REFERENCES slots (id),
    node        TEXT    NOT NULL REFERENCES nodes (name),
    applied_seq BIGINT  NOT NULL CHECK (applied_seq >= 0),
    lag_ms      BIGINT  NOT NULL CHECK (lag_ms >= 0),
    updated     BIGINT  NOT NULL,
    PRIMARY KEY (slot_id, node)
);

-- What happened to a slot: replicas added, failovers, forced promotions and the writes they may have lost.
CREATE TABLE slot_events (
    id      INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    slot_id INTEGER NOT NULL REFERENCES slots (id),
    at      BIGINT  NOT NULL,
    kind    TEXT    NOT NULL,
    detail  TEXT
);
CREATE INDEX slot_events_slot ON slot_events (slot_id, id);
