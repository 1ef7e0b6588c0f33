-- Frames for metrics: FX rates (HKD per unit) dated on or before $as_of.
SELECT date, currency, CAST(hkd_per_unit AS DECIMAL(18,8)) AS hkd_per_unit
FROM fx_rates
WHERE date <= $as_of
ORDER BY currency, date
