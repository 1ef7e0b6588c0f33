-- Record a reopening with its reason.
INSERT INTO close_reopenings (close_id, period, reason, reopened_at, reopened_by)
VALUES ($close_id, $period, $reason, $reopened_at, $reopened_by);
