-- rolo's tables on PostgreSQL (and the engines that speak its protocol), schema 1.
-- Each holds what the table of the same name holds in a rolo file, keyed the same way, so that
-- every range the service reads (a list in order, the board by stage, a report's period) is one
-- range of a primary key here too. Records, audit entries and settings are rolo's own encoding.

-- One row per record: kind code, id, the encoded record.
CREATE TABLE rolo_records (
    kind smallint NOT NULL,
    id bigint NOT NULL,
    envelope bytea NOT NULL,
    PRIMARY KEY (kind, id)
);

-- Every secondary index key (links, sort orders, report facts, owners): bytes whose order is
-- the order screens want.
CREATE TABLE rolo_index (
    key bytea PRIMARY KEY
);

-- The audit trail, keyed by the record it is about and the entry's number.
CREATE TABLE rolo_audit (
    key bytea PRIMARY KEY,
    entry bytea NOT NULL
);

-- Search texts, packed 256 consecutive ids of a kind to a row.
CREATE TABLE rolo_search (
    kind smallint NOT NULL,
    chunk bigint NOT NULL,
    texts bytea NOT NULL,
    PRIMARY KEY (kind, chunk)
);

-- Numbers: the data's schema version, id sequences, markers of upkeep done.
CREATE TABLE rolo_meta (
    key text PRIMARY KEY,
    value bigint NOT NULL
);

-- The users, teams and roles, lead sources, SSH keys: each one encoded value.
CREATE TABLE rolo_settings (
    key text PRIMARY KEY,
    value bytea NOT NULL
);

-- Each record's version and who wrote it last (none: never changed since created).
CREATE TABLE rolo_versions (
    kind smallint NOT NULL,
    id bigint NOT NULL,
    version bigint NOT NULL,
    author text NOT NULL,
    PRIMARY KEY (kind, id)
);

-- The one row every write transaction updates first: writers take turns on it, whichever node
-- they run on, and its count numbers the commits.
CREATE TABLE rolo_writer (
    one smallint PRIMARY KEY CHECK (one = 1),
    commits bigint NOT NULL
);
INSERT INTO rolo_writer VALUES (1, 0);
