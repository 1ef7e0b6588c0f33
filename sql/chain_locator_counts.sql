-- How many row locators each table has at one event (audit_rows).
SELECT tbl, count(*) FROM audit_rows WHERE seq = $seq GROUP BY tbl ORDER BY tbl;
