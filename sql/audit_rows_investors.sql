-- The investors rows as at a close (imported up to its watermark), every column, fixed order.
SELECT * FROM investors WHERE import_id <= $watermark ORDER BY ALL;
