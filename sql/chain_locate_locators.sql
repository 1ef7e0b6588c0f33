-- The recorded row keys and MD5s (audit_rows) of one event that differ from those recomputed
-- from the rows they describe (`chain_current`: `<table>: <key>` and MD5 of each row now).
WITH stored AS (
    SELECT tbl || ': ' || row_key AS row_key, row_md5 FROM audit_rows
    WHERE seq = $seq AND list_contains($tables, tbl)
), gone AS (
    SELECT row_key, row_md5 FROM stored EXCEPT ALL SELECT row_key, row_md5 FROM chain_current
), added AS (
    SELECT row_key, row_md5 FROM chain_current EXCEPT ALL SELECT row_key, row_md5 FROM stored
)
SELECT coalesce(g.row_key, a.row_key) AS row_key,
       CASE WHEN g.row_key IS NOT NULL AND a.row_key IS NOT NULL THEN 'altered'
            WHEN g.row_key IS NOT NULL THEN 'recorded for a row that is not there'
            ELSE 'missing' END AS what
FROM (SELECT DISTINCT row_key FROM gone) g
FULL JOIN (SELECT DISTINCT row_key FROM added) a ON g.row_key = a.row_key
ORDER BY 1;
