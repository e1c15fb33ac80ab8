"""The owner's financial report."""

from flask_babel import lazy_gettext as _l

from admin_views import REPORTS, add_page


def init_app(app):
    from admin_views.finance import report

    add_page(
        170,
        "finance_report",
        lambda: report.FinanceReportView(
            name=_l("Financial report"), endpoint="finance_report", url="reports/finance", category=REPORTS
        ),
    )
