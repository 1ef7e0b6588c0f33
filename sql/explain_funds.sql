-- The funds' reference columns the frames do not carry, for `fundbook explain`.
SELECT fund_id, vintage, manager
FROM funds
ORDER BY fund_id;
