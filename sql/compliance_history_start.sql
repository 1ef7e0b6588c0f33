-- The first day `fundbook compliance --history` looks at: the first commitment to a fund the
-- ITIF rules judge (a sub-fund, the guidance fund, a grant programme; not a separate
-- co-investment scheme such as ITVF, which no rule of the guidance fund judges).
SELECT min(c.date)
FROM commitments c
JOIN funds f ON f.fund_id = c.fund_id
WHERE f.kind IN ('sub_fund', 'guidance_fund', 'programme')
