DROP TABLE IF EXISTS temp.chain_ranges;
