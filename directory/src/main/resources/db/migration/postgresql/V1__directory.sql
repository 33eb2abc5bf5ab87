-- The directory schema, PostgreSQL dialect. Keep in step with ../sqlite/V1__directory.sql.
-- Times are epoch milliseconds (UTC) in both dialects, so code and comparisons are the same.
-- Later features (replication, failover, leases, VIPs) add columns and tables in new migrations.

CREATE TABLE domains (
    name    TEXT    NOT NULL PRIMARY KEY,   -- lower-case ASCII, IDNs as xn--
    created BIGINT  NOT NULL
);

CREATE TABLE nodes (
    name    TEXT    NOT NULL PRIMARY KEY,
    address TEXT    NOT NULL,
    created BIGINT  NOT NULL,
    updated BIGINT  NOT NULL
);

CREATE TABLE slots (
    id           INTEGER NOT NULL PRIMARY KEY,
    master_node  TEXT    NOT NULL REFERENCES nodes (name),
    replica_node TEXT             REFERENCES nodes (name),
    epoch        BIGINT  NOT NULL CHECK (epoch >= 1),
    in_sync      BOOLEAN NOT NULL,
    lease_owner  TEXT,
    lease_until  BIGINT,
    CHECK (id >= 1),
    CHECK (replica_node IS NULL OR replica_node <> master_node)
);

-- IDENTITY: an account id is never reused, because slot stores key data by it.
CREATE TABLE accounts (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address       TEXT    NOT NULL,          -- normalized, local part as given
    address_key   TEXT    NOT NULL UNIQUE,   -- case-folded, for lookups
    local_part    TEXT    NOT NULL,
    domain        TEXT    NOT NULL REFERENCES domains (name),
    password_hash TEXT    NOT NULL,
    quota_bytes   BIGINT  NOT NULL CHECK (quota_bytes >= 0),
    slot_id       INTEGER NOT NULL REFERENCES slots (id),
    created       BIGINT  NOT NULL
);
CREATE INDEX accounts_domain ON accounts (domain);
CREATE INDEX accounts_slot ON accounts (slot_id);

CREATE TABLE aliases (
    source     TEXT   NOT NULL,   -- "user@dom" or "@dom" (catch-all)
    source_key TEXT   NOT NULL,
    target     TEXT   NOT NULL,
    target_key TEXT   NOT NULL,
    domain     TEXT   NOT NULL REFERENCES domains (name),
    created    BIGINT NOT NULL,
    PRIMARY KEY (source_key, target_key)
);
CREATE INDEX aliases_domain ON aliases (domain);
CREATE INDEX aliases_target ON aliases (target_key);
