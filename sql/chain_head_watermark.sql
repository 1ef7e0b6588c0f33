-- The import watermark of the chain's head (the latest event).
SELECT max(hi) FROM chain_ranges;
