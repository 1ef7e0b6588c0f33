-- Lift the lock of a reopened period.
DELETE FROM period_locks WHERE period = $period AND close_id = $close_id;
