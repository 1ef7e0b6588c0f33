-- The commentary as at a close (imported up to its watermark), every column, fixed order.
SELECT * FROM commentary WHERE import_id <= $watermark ORDER BY ALL;
