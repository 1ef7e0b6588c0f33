-- The fx_rates rows as at a close (dated on or before its period end), every column, fixed order.
SELECT * FROM fx_rates WHERE date <= $period_end ORDER BY ALL;
