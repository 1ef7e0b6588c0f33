-- The rows of one table at one event that differ between what the chain recorded (audit_rows)
-- and the book now (`chain_current`: a registered Arrow table of each row's key and MD5).
-- The labels say what each side means (a changed row, or a changed locator).
WITH stored AS (
    SELECT row_key, row_md5 FROM audit_rows WHERE seq = $seq AND tbl = $tbl
), gone AS (
    SELECT row_key, row_md5 FROM stored EXCEPT ALL SELECT row_key, row_md5 FROM chain_current
), added AS (
    SELECT row_key, row_md5 FROM chain_current EXCEPT ALL SELECT row_key, row_md5 FROM stored
)
SELECT coalesce(g.row_key, a.row_key) AS row_key,
       CASE WHEN g.row_key IS NOT NULL AND a.row_key IS NOT NULL THEN $changed
            WHEN g.row_key IS NOT NULL THEN $gone
            ELSE $added END AS what
FROM (SELECT DISTINCT row_key FROM gone) g
FULL JOIN (SELECT DISTINCT row_key FROM added) a ON g.row_key = a.row_key
ORDER BY 1;
