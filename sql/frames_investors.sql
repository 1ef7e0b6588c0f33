-- Frames for metrics: investors; fund_id is set when the investor is itself a fund of the book.
SELECT investor_id, name, kind, fund_id
FROM investors
ORDER BY investor_id
