-- The id of the next close (ids follow the hash chain; no gaps from dry runs).
SELECT coalesce(max(close_id), 0) + 1 FROM closes;
