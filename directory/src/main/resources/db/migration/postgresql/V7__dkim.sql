-- DKIM signing keys of hosted domains (architecture.md "Outbound delivery"). PostgreSQL dialect; keep in step with
-- ../sqlite/V7__dkim.sql (they are the same).
-- private_key: PKCS#8 PEM. public_key: base64 of the DER SubjectPublicKeyInfo, the p= of the DNS TXT record.
-- active: the key outbound mail is signed with; at most one per domain. Older keys stay (inactive) until removed, so
-- their DNS records can be kept published while signed mail is still in flight.
CREATE TABLE dkim_keys (
    domain      TEXT    NOT NULL REFERENCES domains (name) ON DELETE CASCADE,
    selector    TEXT    NOT NULL,
    private_key TEXT    NOT NULL,
    public_key  TEXT    NOT NULL,
    active      BOOLEAN NOT NULL,
    created     BIGINT  NOT NULL,
    PRIMARY KEY (domain, selector)
);

CREATE UNIQUE INDEX dkim_keys_one_active ON dkim_keys (domain) WHERE active;
