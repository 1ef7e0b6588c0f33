-- Lock a closed period: the importer refuses rows dated on or before its end.
INSERT INTO period_locks (period, period_start, period_end, close_id, locked_at)
VALUES ($period, $period_start, $period_end, $close_id, current_timestamp::TIMESTAMP);
