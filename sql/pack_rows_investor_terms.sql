-- The investor_terms rows as the book held them at a close (imported up to its watermark), for its audit pack.
SELECT * FROM investor_terms WHERE import_id <= $watermark ORDER BY ALL;
