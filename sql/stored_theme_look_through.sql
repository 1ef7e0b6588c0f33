-- `fundbook metrics --by theme --look-through` of a closed day (every guidance fund, each in
-- its currency), from its snapshot: the columns and rows in the order metrics.theme_exposure
-- gives them.
SELECT fund_id, theme, currency, holdings, invested, fair_value, share_of_fair_value
FROM snapshot_theme_look_through
WHERE close_id = $close_id AND $fund_id::VARCHAR IS NULL  -- every fund: no fund asked for
ORDER BY fund_id, theme
