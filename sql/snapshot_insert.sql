-- Store one level of a close from the registered frame snapshot_new (its columns in the table's
-- order, checked by the close); {table} is a snapshot_<level> table of sql/schema_snapshot.sql.
INSERT INTO {table}
SELECT $close_id, * FROM snapshot_new;
