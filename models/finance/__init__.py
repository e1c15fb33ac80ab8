"""The financial report's kept totals."""

from models.finance.totals import FinanceDaily, FinanceMonthly

__all__ = [
    "FinanceDaily",
    "FinanceMonthly",
]
