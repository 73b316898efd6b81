-- rolo's tables on PostgreSQL, schema 2: what each commit changed, for the other nodes.
-- Every node follows this table (by the commit's number, which `rolo_writer` gives) to keep its
-- search index, its map of owners and its sessions' screens in step with commits made elsewhere.
-- The newest commits are kept; a node further behind reads everything again.
CREATE TABLE rolo_changes (
    number bigint PRIMARY KEY,
    change bytea NOT NULL
);
