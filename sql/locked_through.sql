-- The latest day of a closed period: rows dated on or before it cannot be booked.
SELECT max(period_end) FROM period_locks
