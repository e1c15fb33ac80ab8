"""The financial report as an exportable list: the total, then the rows by month, bank and agent."""

from flask_babel import lazy_gettext as _l

from services.exports import registry as exports
from services.platform.timezones import now_utc

FINANCE_COLUMNS = (
    _l("Section"),
    _l("Name"),
    _l("Work-off"),
    _l("Work-off transactions"),
    _l("Confirmed profit"),
    _l("Cards with confirmed profit"),
)


def _period(args):
    from services.finance import report as finance

    return finance.parse_period(args, now_utc().date())


def finance_check(args):
    from services.finance import report as finance

    try:
        _period(args)
    except finance.FinanceError as error:
        return error.errors
    return {}


def finance_rows(user, args):
    from services.finance import report as finance

    period_from, period_to = _period(args)
    report = finance.report(period_from, period_to)
    total = report.total
    label = f"{period_from.isoformat()} — {period_to.isoformat()}"
    yield (str(_l("Total")), label, total.work_off, total.work_off_count, total.profit, total.profit_count)
    for section, rows in ((_l("By month"), report.by_month), (_l("By bank"), report.by_bank),
                          (_l("By agent"), report.by_agent)):  # fmt: skip
        for row in rows:
            yield (str(section), row.label, row.work_off, row.work_off_count, row.profit, row.profit_count)


def register():
    exports.register(
        "finance.report", _l("Financial report"), "reports.finance", FINANCE_COLUMNS, finance_rows, finance_check
    )
