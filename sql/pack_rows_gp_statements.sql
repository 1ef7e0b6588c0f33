-- The gp_statements rows as the book held them at a close (imported up to its watermark), for its audit pack.
SELECT * FROM gp_statements WHERE import_id <= $watermark ORDER BY ALL;
