-- `fundbook metrics --by theme` of a closed day, per programme (its own fund's and its member
-- funds' company holdings, HKD), from its snapshot: the columns and rows in the order
-- metrics.theme_exposure gives them.
SELECT programme, theme, currency, holdings, invested, fair_value, share_of_fair_value
FROM snapshot_theme
WHERE close_id = $close_id AND $fund_id::VARCHAR IS NULL  -- every programme: no fund asked for
ORDER BY programme NULLS FIRST, theme NULLS FIRST
