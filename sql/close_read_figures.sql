-- The figures of one close in canonical order (the order hashed and exported).
SELECT level, fund_id, investor_id, holding_id, item, figure, kind, money, ratio, text
FROM close_figures
WHERE close_id = ?
ORDER BY level, fund_id NULLS FIRST, investor_id NULLS FIRST, holding_id NULLS FIRST,
         item NULLS FIRST, figure;
