-- Record where the rows of an event were (`chain_new_rows`: a registered `table_rows` result).
INSERT INTO audit_rows (seq, tbl, row_key, row_md5)
SELECT seq, $tbl, row_key, row_md5 FROM chain_new_rows;
