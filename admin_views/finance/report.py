"""The owner's financial report: a period form, totals, tables by bank / agent / month, and a
chart fed by a JSON endpoint (static/js/finance_report.js). The figures come from
services.finance.report.report — pure, so exports use the same function."""

from flask import jsonify, request
from flask_admin import expose

from admin_views.base import SecuredView
from services.finance import report as finance
from services.platform.money import money_text
from services.platform.timezones import now_utc, to_local


def local_today():
    return to_local(now_utc()).date()


def _period(args):
    return finance.parse_period(args, local_today())


class FinanceReportView(SecuredView):
    permission = "reports.finance"

    @expose("/")
    def index(self):
        errors, data = {}, None
        try:
            period_from, period_to = _period(request.args)
            data = finance.report(period_from, period_to)
        except finance.FinanceError as error:
            errors = {name: str(message) for name, message in error.errors.items()}
            period_from = period_to = None
        form = {
            "from": period_from.isoformat() if period_from else (request.args.get("from") or "")[:10],
            "to": period_to.isoformat() if period_to else (request.args.get("to") or "")[:10],
        }
        page = self.render(
            "admin/finance/report.html",
            report=data,
            errors=errors,
            form=form,
            presets=finance.PRESETS,
            money=money_text,
        )
        return page, (400 if errors else 200)

    @expose("/data")
    def data(self):
        try:
            return jsonify(finance.report(*_period(request.args)).as_dict())
        except finance.FinanceError as error:
            return jsonify({"errors": {name: str(message) for name, message in error.errors.items()}}), 400
