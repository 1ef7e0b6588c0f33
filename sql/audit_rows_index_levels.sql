-- The index_levels rows as at a close (dated on or before its period end), every column,
-- fixed order.
SELECT * FROM index_levels WHERE date <= $period_end ORDER BY ALL;
