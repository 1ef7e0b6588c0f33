-- The investor_terms rows as at a close (imported up to its watermark), every column, fixed order.
SELECT * FROM investor_terms WHERE import_id <= $watermark ORDER BY ALL;
