-- Store the figures of a close from the registered frame close_new_figures (long form).
INSERT INTO close_figures
SELECT $close_id, level, fund_id, investor_id, holding_id, item, figure, kind, money, ratio, text
FROM close_new_figures;
