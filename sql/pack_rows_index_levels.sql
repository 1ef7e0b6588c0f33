-- The index_levels rows as the book held them at a close (imported up to its watermark), for its audit pack.
SELECT * FROM index_levels WHERE import_id <= $watermark ORDER BY ALL;
