-- The reopenings of one close, oldest first.
SELECT reason, reopened_at, reopened_by FROM close_reopenings
WHERE close_id = $close_id ORDER BY reopened_at;
