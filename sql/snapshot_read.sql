-- One level of a close as stored, rows in key order ({order}: its key columns, nulls first);
-- {table} is a snapshot_<level> table of sql/schema_snapshot.sql.
SELECT * EXCLUDE (close_id)
FROM {table}
WHERE close_id = $close_id
ORDER BY {order};
