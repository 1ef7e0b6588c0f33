-- fundbook snapshot schema: every figure of a close, one typed table per level, as metrics
-- produce it (docs/architecture.md, "close"). A row is one key of the level at one close: the
-- level's key columns, then its figures in name order (the order `Snapshot.level` returns).
-- Money is DECIMAL(38,2), ratios DOUBLE, counts BIGINT, dates DATE, flags BOOLEAN, the rates
-- of a fund's terms DECIMAL(18,8) as booked (fund_info); an undefined figure (an IRR without a
-- sign change) is NULL. The tables are written once by their close and hashed by it
-- (`snapshot_*`: coverage `close` in fundbook/store/chain.py, whose KEYS name each table's key).
-- A figure added to a level is declared here; the close refuses a level whose columns differ
-- from its table.

CREATE TABLE IF NOT EXISTS snapshot_fund (
    close_id              INTEGER NOT NULL,
    fund_id               VARCHAR,
    accrued               DECIMAL(38,2),
    accrued_carry         DECIMAL(38,2),
    amplification         DOUBLE,
    carry_paid            DECIMAL(38,2),
    cash                  DECIMAL(38,2),
    clawback_exposure     DECIMAL(38,2),
    committed             DECIMAL(38,2),
    currency              VARCHAR,
    distributed           DECIMAL(38,2),
    dpi                   DOUBLE,
    expenses              DECIMAL(38,2),
    fees                  DECIMAL(38,2),
    fx_translation        DECIMAL(38,2),
    government_committed  DECIMAL(38,2),
    government_paid_in    DECIMAL(38,2),
    grants                DECIMAL(38,2),
    gross_irr             DOUBLE,
    gross_irr_nm          BOOLEAN,        -- IRR policy: n.m. (metrics.irr_policy)
    gross_moic            DOUBLE,
    holdings_value        DECIMAL(38,2),
    income                DECIMAL(38,2),
    interest_payable      DECIMAL(38,2),
    invested              DECIMAL(38,2),
    irr_nm_months         BIGINT,         -- IRR policy: the age an IRR needs
    irr_since             DATE,           -- IRR policy: the first contribution
    kind                  VARCHAR,
    meets_target          BOOLEAN,
    name                  VARCHAR,
    nav                   DECIMAL(38,2),
    nav_before_carry      DECIMAL(38,2),
    net_irr               DOUBLE,
    net_irr_nm            BOOLEAN,
    paid_in               DECIMAL(38,2),
    paid_in_leverage      DOUBLE,
    pic_multiple          DOUBLE,
    prepaid               DECIMAL(38,2),
    proceeds              DECIMAL(38,2),
    realised_gain         DECIMAL(38,2),
    rvpi                  DOUBLE,
    social_committed      DECIMAL(38,2),
    social_leverage       DOUBLE,
    social_paid_in        DECIMAL(38,2),
    tvpi                  DOUBLE,
    unfunded              DECIMAL(38,2),
    unrealised_gain       DECIMAL(38,2)
);

CREATE TABLE IF NOT EXISTS snapshot_investor (
    close_id          INTEGER NOT NULL,
    fund_id           VARCHAR,
    investor_id       VARCHAR,
    accrued_carry     DECIMAL(38,2),
    carry_paid        DECIMAL(38,2),
    clawback_exposure DECIMAL(38,2),
    commitment_share  DOUBLE,
    committed         DECIMAL(38,2),
    currency          VARCHAR,
    distributed       DECIMAL(38,2),
    dpi               DOUBLE,
    investor_kind     VARCHAR,
    irr_nm_months     BIGINT,
    irr_since         DATE,
    nav               DECIMAL(38,2),
    nav_before_carry  DECIMAL(38,2),
    net_irr           DOUBLE,
    net_irr_nm        BOOLEAN,
    paid_in           DECIMAL(38,2),
    pic_multiple      DOUBLE,
    rvpi              DOUBLE,
    tvpi              DOUBLE,
    unfunded          DECIMAL(38,2)
);

CREATE TABLE IF NOT EXISTS snapshot_holding (
    close_id                        INTEGER NOT NULL,
    fund_id                         VARCHAR,
    holding_id                      VARCHAR,
    co_invested                     DECIMAL(38,2),
    co_investment_leverage          DOUBLE,
    cumulative_share_of_fair_value  DOUBLE,
    currency                        VARCHAR,
    fair_value                      DECIMAL(38,2),
    fx_translation                  DECIMAL(38,2),
    gp_carry_accrued                DECIMAL(38,2),  -- per the GP statement valued from
    gp_fees_itd                     DECIMAL(38,2),  -- per the GP statement valued from
    gross_irr                       DOUBLE,
    income                          DECIMAL(38,2),
    invested                        DECIMAL(38,2),
    lag_days                        BIGINT,         -- days since the GP statement valued from
    moic                            DOUBLE,
    proceeds                        DECIMAL(38,2),
    rank                            BIGINT,
    realisation                     VARCHAR,
    realised_gain                   DECIMAL(38,2),
    remaining_cost                  DECIMAL(38,2),
    share_of_fair_value             DOUBLE,
    unrealised_gain                 DECIMAL(38,2),
    valuation_date                  DATE,
    valued_by                       VARCHAR
);

CREATE TABLE IF NOT EXISTS snapshot_holding_look_through (
    close_id     INTEGER NOT NULL,
    fund_id      VARCHAR,
    investor_id  VARCHAR,
    holding_id   VARCHAR,
    fair_value   DECIMAL(38,2)
);

CREATE TABLE IF NOT EXISTS snapshot_theme (
    close_id             INTEGER NOT NULL,
    programme            VARCHAR,
    theme                VARCHAR,
    currency             VARCHAR,
    fair_value           DECIMAL(38,2),
    holdings             BIGINT,
    invested             DECIMAL(38,2),
    share_of_fair_value  DOUBLE
);

CREATE TABLE IF NOT EXISTS snapshot_theme_look_through (
    close_id             INTEGER NOT NULL,
    fund_id              VARCHAR,
    theme                VARCHAR,
    currency             VARCHAR,
    fair_value           DECIMAL(38,2),
    holdings             BIGINT,
    invested             DECIMAL(38,2),
    share_of_fair_value  DOUBLE
);

CREATE TABLE IF NOT EXISTS snapshot_theme_by_fund (
    close_id             INTEGER NOT NULL,
    fund_id              VARCHAR,
    theme                VARCHAR,
    currency             VARCHAR,
    fair_value           DECIMAL(38,2),
    holdings             BIGINT,
    invested             DECIMAL(38,2),
    share_of_fair_value  DOUBLE
);

CREATE TABLE IF NOT EXISTS snapshot_theme_by_investor (
    close_id     INTEGER NOT NULL,
    fund_id      VARCHAR,
    investor_id  VARCHAR,
    theme        VARCHAR,
    fair_value   DECIMAL(38,2)
);

CREATE TABLE IF NOT EXISTS snapshot_look_through_company (
    close_id             INTEGER NOT NULL,
    fund_id              VARCHAR,
    company_id           VARCHAR,
    currency             VARCHAR,
    direct_fair_value    DECIMAL(38,2),
    fair_value           DECIMAL(38,2),
    share_of_nav         DOUBLE,
    theme                VARCHAR,
    through_fair_value   DECIMAL(38,2)
);

CREATE TABLE IF NOT EXISTS snapshot_look_through_nav (
    close_id             INTEGER NOT NULL,
    fund_id              VARCHAR,
    currency             VARCHAR,
    holdings_fair_value  DECIMAL(38,2),
    nav                  DECIMAL(38,2),
    own_net_assets       DECIMAL(38,2),
    sub_fund_net_assets  DECIMAL(38,2)
);

CREATE TABLE IF NOT EXISTS snapshot_programme (
    close_id              INTEGER NOT NULL,
    programme             VARCHAR,
    scope                 VARCHAR,
    amplification         DOUBLE,
    budget                DECIMAL(38,2),
    budget_used           DOUBLE,
    committed             DECIMAL(38,2),
    companies_over_cap    BIGINT,
    companies_pending     BIGINT,
    companies_short       BIGINT,
    currency              VARCHAR,
    government_committed  DECIMAL(38,2),
    government_not_committed DECIMAL(38,2),  -- the sub_funds row's alone (issue 14)
    government_paid_in    DECIMAL(38,2),
    government_unfunded   DECIMAL(38,2),
    grant_companies       BIGINT,
    grants                DECIMAL(38,2),
    kind                  VARCHAR,
    matching              DECIMAL(38,2),
    matching_ratio        DOUBLE,
    meets_target          BOOLEAN,
    member_funds          BIGINT,
    paid_in               DECIMAL(38,2),
    paid_in_fx_translation DECIMAL(38,2),
    paid_in_historical    DECIMAL(38,2),
    paid_in_leverage      DOUBLE,
    short_companies       VARCHAR,
    size_shortfall        DECIMAL(38,2),
    social_committed      DECIMAL(38,2),
    social_leverage       DOUBLE,
    social_paid_in        DECIMAL(38,2),
    target_amplification  DOUBLE,
    target_date           DATE,
    target_size           DECIMAL(38,2),
    target_status         VARCHAR
);

CREATE TABLE IF NOT EXISTS snapshot_programme_fund (
    close_id              INTEGER NOT NULL,
    programme             VARCHAR,
    scope                 VARCHAR,
    fund_id               VARCHAR,
    amplification         DOUBLE,
    committed             DECIMAL(38,2),
    currency              VARCHAR,
    government_committed  DECIMAL(38,2),
    government_paid_in    DECIMAL(38,2),
    government_unfunded   DECIMAL(38,2),
    paid_in               DECIMAL(38,2),
    paid_in_fx_translation DECIMAL(38,2),
    paid_in_historical    DECIMAL(38,2),
    paid_in_leverage      DOUBLE,
    social_committed      DECIMAL(38,2),
    social_leverage       DOUBLE,
    social_paid_in        DECIMAL(38,2)
);

CREATE TABLE IF NOT EXISTS snapshot_grant (
    close_id        INTEGER NOT NULL,
    fund_id         VARCHAR,
    company_id      VARCHAR,
    compliant       BOOLEAN,
    currency        VARCHAR,
    grants          DECIMAL(38,2),
    grants_hkd      DECIMAL(38,2),
    last_grant_date DATE,
    matching        DECIMAL(38,2),
    matching_deadline DATE,
    matching_hkd    DECIMAL(38,2),
    matching_ratio  DOUBLE,
    over_cap        BOOLEAN,
    required_ratio  DOUBLE,
    shortfall       DECIMAL(38,2),
    status          VARCHAR
);

CREATE TABLE IF NOT EXISTS snapshot_compliance (
    close_id   INTEGER NOT NULL,
    fund_id    VARCHAR,
    rule       VARCHAR,
    amount     DECIMAL(38,2),
    currency   VARCHAR,
    detail     VARCHAR,
    ratio      DOUBLE,
    status     VARCHAR,
    threshold  VARCHAR
);

CREATE TABLE IF NOT EXISTS snapshot_compliance_status (
    close_id  INTEGER NOT NULL,
    status    VARCHAR,
    rules     BIGINT
);

CREATE TABLE IF NOT EXISTS snapshot_cash_flow (
    close_id                  INTEGER NOT NULL,
    fund_id                   VARCHAR,
    quarter                   VARCHAR,
    contributions             DECIMAL(38,2),
    cumulative_net_cash_flow  DECIMAL(38,2),
    distributions             DECIMAL(38,2),
    invested                  DECIMAL(38,2),
    net_cash_flow             DECIMAL(38,2),
    received                  DECIMAL(38,2)
);

CREATE TABLE IF NOT EXISTS snapshot_fund_movement (
    close_id              INTEGER NOT NULL,
    fund_id               VARCHAR,
    distributed_change    DECIMAL(38,2),
    nav_change            DECIMAL(38,2),
    net_irr_change        DOUBLE,
    paid_in_change        DECIMAL(38,2),
    previous_distributed  DECIMAL(38,2),
    previous_nav          DECIMAL(38,2),
    previous_net_irr      DOUBLE,
    previous_paid_in      DECIMAL(38,2),
    previous_tvpi         DOUBLE,
    tvpi_change           DOUBLE
);

-- Partnership expenses recognised by category (ILPA 2.0): the calendar quarter, year and
-- inception to the period end (metrics.accruals.expense_by_category).
CREATE TABLE IF NOT EXISTS snapshot_expense_by_category (
    close_id      INTEGER NOT NULL,
    fund_id       VARCHAR,
    category      VARCHAR,
    currency      VARCHAR,
    expenses_itd  DECIMAL(38,2),
    expenses_qtd  DECIMAL(38,2),
    expenses_ytd  DECIMAL(38,2)
);

-- Management fees computed from each fund's terms vs booked, per fund and quarter ended on or
-- before the period end (metrics.fee_book.fee_check_level; funds with fee terms only).
CREATE TABLE IF NOT EXISTS snapshot_fee_check (
    close_id          INTEGER NOT NULL,
    fund_id           VARCHAR,
    quarter           VARCHAR,
    booked            DECIMAL(38,2),
    booked_hkd        DECIMAL(38,2),    -- at the as-of rate (issue 14)
    difference        DECIMAL(38,2),
    difference_hkd    DECIMAL(38,2),
    fee_net           DECIMAL(38,2),
    fee_net_hkd       DECIMAL(38,2),
    fee_tolerance     DECIMAL(38,2),
    within_tolerance  BOOLEAN
);

-- GP statements against the book, per holder, sub-fund and figure: the latest statement
-- received by the period end against the holder's capital account in the sub-fund's ledger
-- at the statement date (metrics.reconcile.reconcile; sub-funds with both only).
CREATE TABLE IF NOT EXISTS snapshot_reconcile (
    close_id        INTEGER NOT NULL,
    fund_id         VARCHAR,
    holding_id      VARCHAR,
    figure          VARCHAR,
    book            DECIMAL(38,2),
    currency        VARCHAR,
    difference      DECIMAL(38,2),
    gp              DECIMAL(38,2),
    investor_id     VARCHAR,
    received_date   DATE,
    source_file     VARCHAR,        -- the GP statement's row (gp_statements.csv:source_line)
    source_line     BIGINT,
    statement_date  DATE,
    status          VARCHAR,
    tolerance       DECIMAL(38,2)
);

-- The commitment pacing forecast per fund and forecast year (issue 15, metrics.forecast): the
-- expected contributions, distributions and NAV (fund currency) and their 5-95 % band.
CREATE TABLE IF NOT EXISTS snapshot_forecast (
    close_id           INTEGER NOT NULL,
    fund_id            VARCHAR,
    year               VARCHAR,
    contributions      DECIMAL(38,2),
    contributions_p05  DECIMAL(38,2),
    contributions_p95  DECIMAL(38,2),
    currency           VARCHAR,
    distributions      DECIMAL(38,2),
    distributions_p05  DECIMAL(38,2),
    distributions_p95  DECIMAL(38,2),
    fund_age           DOUBLE,
    nav                DECIMAL(38,2),
    nav_p05            DECIMAL(38,2),
    nav_p95            DECIMAL(38,2),
    period_end         DATE
);

-- Each forecast fund's Takahashi-Alexander parameters, where each comes from (history, terms,
-- default), its start at the period end and the unfunded its life leaves uncalled.
CREATE TABLE IF NOT EXISTS snapshot_forecast_parameters (
    close_id                 INTEGER NOT NULL,
    fund_id                  VARCHAR,
    bow                      DOUBLE,
    bow_source               VARCHAR,
    currency                 VARCHAR,
    growth                   DOUBLE,
    growth_sd                DOUBLE,
    growth_sd_source         VARCHAR,
    growth_source            VARCHAR,
    history_years            BIGINT,
    inception                DATE,
    life                     BIGINT,
    life_source              VARCHAR,
    nav_at_as_of             DECIMAL(38,2),
    paths                    BIGINT,
    rc_1                     DOUBLE,
    rc_1_source              VARCHAR,
    rc_2                     DOUBLE,
    rc_2_source              VARCHAR,
    rc_3                     DOUBLE,
    rc_3_source              VARCHAR,
    seed                     BIGINT,
    unfunded_at_as_of        DECIMAL(38,2),
    unfunded_at_end_of_life  DECIMAL(38,2)
);

-- The government's share of its programmes' forecast (HKD at the period end's rate) and band.
CREATE TABLE IF NOT EXISTS snapshot_forecast_programme (
    close_id                      INTEGER NOT NULL,
    programme                     VARCHAR,
    year                          VARCHAR,
    currency                      VARCHAR,
    government_contributions      DECIMAL(38,2),
    government_contributions_p05  DECIMAL(38,2),
    government_contributions_p95  DECIMAL(38,2),
    government_distributions      DECIMAL(38,2),
    government_distributions_p05  DECIMAL(38,2),
    government_distributions_p95  DECIMAL(38,2),
    government_nav                DECIMAL(38,2),
    government_nav_p05            DECIMAL(38,2),
    government_nav_p95            DECIMAL(38,2),
    period_end                    DATE
);

CREATE TABLE IF NOT EXISTS snapshot_flow (
    close_id             INTEGER NOT NULL,
    fund_id              VARCHAR,
    investor_id          VARCHAR,
    txn_id               VARCHAR,
    amount               DECIMAL(38,2),
    amount_txn_currency  DECIMAL(38,2),
    call_id              VARCHAR,        -- its call in calls.csv (issue 14), null without one
    call_notice_date     DATE,
    date                 DATE,
    txn_currency         VARCHAR,
    type                 VARCHAR
);

-- A fund's reference row and its partnership terms as terms.csv books them (null without
-- terms): fractions DECIMAL(18,8) as booked (0.08 = 8 %), fee_tolerance money.
CREATE TABLE IF NOT EXISTS snapshot_fund_info (
    close_id                     INTEGER NOT NULL,
    fund_id                      VARCHAR,
    carry_pct                    DECIMAL(18,8),
    catch_up_pct                 DECIMAL(18,8),
    currency                     VARCHAR,
    equalisation_rate            DECIMAL(18,8),
    fee_basis_after              VARCHAR,
    fee_basis_investment_period  VARCHAR,
    fee_offset_pct               DECIMAL(18,8),
    fee_rate_after               DECIMAL(18,8),
    fee_rate_investment_period   DECIMAL(18,8),
    fee_timing                   VARCHAR,
    fee_tolerance                DECIMAL(38,2),
    gp_investor_id               VARCHAR,
    gp_tolerance                 DECIMAL(38,2),
    hurdle_rate                  DECIMAL(18,8),
    investment_period_end        DATE,
    irr_nm_months                BIGINT,
    kind                         VARCHAR,
    manager                      VARCHAR,
    matching_deadline_months     BIGINT,
    name                         VARCHAR,
    pme_index                    VARCHAR,        -- the fund's benchmark index (issue 15)
    programme_id                 VARCHAR,
    ta_bow                       DECIMAL(18,8),
    ta_growth                    DECIMAL(18,8),
    ta_growth_sd                 DECIMAL(18,8),
    ta_life                      BIGINT,
    ta_rc_1                      DECIMAL(18,8),
    ta_rc_2                      DECIMAL(18,8),
    ta_rc_3                      DECIMAL(18,8),
    valuation_source             VARCHAR,
    vintage                      BIGINT,
    waterfall                    VARCHAR
);

CREATE TABLE IF NOT EXISTS snapshot_investor_info (
    close_id     INTEGER NOT NULL,
    investor_id  VARCHAR,
    kind         VARCHAR,
    lp_fund_id   VARCHAR,
    name         VARCHAR
);

CREATE TABLE IF NOT EXISTS snapshot_company_info (
    close_id    INTEGER NOT NULL,
    company_id  VARCHAR,
    country     VARCHAR,
    hk_nexus    BOOLEAN,
    name        VARCHAR,
    theme       VARCHAR
);

-- Public market equivalents (issue 15, metrics.pme): each fund, partner and programme against
-- every index of index_levels.csv, on the flows of its net IRR (a programme: its member funds'
-- pooled in HKD). Kaplan-Schoar PME, direct alpha (ln(1 + a)), the Long-Nickels PME IRR; the
-- first flow, the IRR policy's flag and months, and why a figure is undefined (null: all are
-- defined).
CREATE TABLE IF NOT EXISTS snapshot_pme_fund (
    close_id       INTEGER NOT NULL,
    fund_id        VARCHAR,
    index_id       VARCHAR,
    direct_alpha   DOUBLE,
    index_name     VARCHAR,        -- the index's name in index_levels.csv (null: none given)
    ks_pme         DOUBLE,
    ln_pme_irr     DOUBLE,
    pme_nm         BOOLEAN,
    pme_nm_months  BIGINT,
    pme_since      DATE,
    pme_undefined  VARCHAR
);

CREATE TABLE IF NOT EXISTS snapshot_pme_investor (
    close_id       INTEGER NOT NULL,
    fund_id        VARCHAR,
    investor_id    VARCHAR,
    index_id       VARCHAR,
    direct_alpha   DOUBLE,
    index_name     VARCHAR,        -- the index's name in index_levels.csv (null: none given)
    ks_pme         DOUBLE,
    ln_pme_irr     DOUBLE,
    pme_nm         BOOLEAN,
    pme_nm_months  BIGINT,
    pme_since      DATE,
    pme_undefined  VARCHAR
);

-- A programme's row pools the flows of its `scope` (sub_funds: its member funds; scheme: its
-- own fund when it has none).
CREATE TABLE IF NOT EXISTS snapshot_pme_programme (
    close_id       INTEGER NOT NULL,
    programme      VARCHAR,
    index_id       VARCHAR,
    direct_alpha   DOUBLE,
    index_name     VARCHAR,        -- the index's name in index_levels.csv (null: none given)
    ks_pme         DOUBLE,
    ln_pme_irr     DOUBLE,
    pme_nm         BOOLEAN,
    pme_nm_months  BIGINT,
    pme_since      DATE,
    pme_undefined  VARCHAR,
    scope          VARCHAR
);
