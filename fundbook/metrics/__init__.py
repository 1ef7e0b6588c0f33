"""Pure metrics: polars DataFrames in, DataFrames out; no database, files or clock."""

from fundbook.metrics.cash_flow import cash_flow_by_quarter
from fundbook.metrics.compliance import compliance
from fundbook.metrics.explain import explain
from fundbook.metrics.exposure import theme_exposure
from fundbook.metrics.gl_ledger import general_ledger
from fundbook.metrics.grants import grant_matching, grant_table
from fundbook.metrics.levels import figures
from fundbook.metrics.performance import fund_metrics, holding_metrics, investor_metrics
from fundbook.metrics.programme import programme_metrics
from fundbook.metrics.statement import capital_account_statement

__all__ = [
    "capital_account_statement",
    "cash_flow_by_quarter",
    "compliance",
    "explain",
    "figures",
    "fund_metrics",
    "general_ledger",
    "grant_matching",
    "grant_table",
    "holding_metrics",
    "investor_metrics",
    "programme_metrics",
    "theme_exposure",
]
