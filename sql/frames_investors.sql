-- Frames for metrics: investors; fund_id is set when the investor is itself a fund of the book;
-- strategic (false when the column is empty) flags a strategic investor of the programme.
SELECT investor_id, name, kind, fund_id, coalesce(strategic, false) AS strategic
FROM investors
ORDER BY investor_id
