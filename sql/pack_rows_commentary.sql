-- The commentary as the book held it at a close (imported up to its watermark), for its audit pack.
SELECT * FROM commentary WHERE import_id <= $watermark ORDER BY ALL;
