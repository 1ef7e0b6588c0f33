-- The latest locked period (null when none).
SELECT period, period_end FROM period_locks ORDER BY period_end DESC LIMIT 1;
