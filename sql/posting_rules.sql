-- The chart of accounts as posting rules: one debit and one credit per transaction.
-- Accounts starting with memo_ are off-balance-sheet memoranda (not the fund's cash).
INSERT OR REPLACE INTO posting_rules VALUES
    ('contribution',        'cash',                      'partners_capital'),
    ('distribution',        'partners_capital',          'cash'),
    ('investment',          'investments_at_cost',       'cash'),
    ('proceeds',            'cash',                      'realisation_proceeds'),
    ('income',              'cash',                      'investment_income'),
    ('fee',                 'management_fees',           'cash'),
    ('expense',             'partnership_expenses',      'cash'),
    ('grant',               'grants_paid',               'cash'),
    ('co_investment',       'memo_co_investment',        'memo_co_investment_contra'),
    ('matching',            'memo_matching',             'memo_matching_contra'),
    ('hk_production_spend', 'memo_hk_production',        'memo_hk_production_contra'),
    ('equalisation_contribution',      'cash',                          'partners_capital'),
    ('equalisation_distribution',      'partners_capital',              'cash'),
    ('equalisation_interest_received', 'cash',                          'equalisation_interest_payable'),
    ('equalisation_interest_paid',     'equalisation_interest_payable', 'cash'),
    ('portfolio_fee',       'memo_portfolio_fees',       'memo_portfolio_fees_contra'),
    -- carried interest paid to the GP out of the named partner's distributions
    ('carry',               'partners_capital',          'cash');
