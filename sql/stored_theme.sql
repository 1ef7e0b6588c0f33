-- `fundbook metrics --by theme` of a closed day, every fund's company holdings, from its
-- snapshot: the columns and rows in the order metrics.theme_exposure gives them (no fund label).
SELECT NULL::VARCHAR AS fund_id, theme, currency, holdings, invested, fair_value,
       share_of_fair_value
FROM snapshot_theme
WHERE close_id = $close_id AND $fund_id::VARCHAR IS NULL  -- every fund: no fund asked for
ORDER BY theme NULLS FIRST
