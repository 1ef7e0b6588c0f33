-- A reopened close keeps its snapshot for the record, marked reopened.
UPDATE closes SET status = 'reopened' WHERE close_id = $close_id AND period = $period;
