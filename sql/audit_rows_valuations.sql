-- The valuations rows as at a close (dated on or before its period end), every column, fixed order.
SELECT * FROM valuations WHERE date <= $period_end ORDER BY ALL;
