-- The terms rows as at a close (imported up to its watermark), every column, fixed order.
SELECT * FROM terms WHERE import_id <= $watermark ORDER BY ALL;
