"""A person's salary (/admin/salary/): his plan in force with his own figures marked, his results so
far, the pay they make, his leaders' adjustments, the forecast of the open period and what he is
missing for the next step; a closed period shows its frozen figures. A leader opens his people's
(`?employee=`); anyone else's is a 404."""

from pathlib import Path

from flask import Response, abort, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from admin_views.base import SecuredView, parse_id
from admin_views.salary import periods as period_choice
from admin_views.salary.plans import figure_labels
from extensions import db
from models.platform.company import Company
from models.platform.user import User
from models.salary import SalaryAdjustment, SalaryPeriod
from services.platform import access, results, unit_of_work
from services.platform.timezones import now_utc
from services.salary import adjustments, closing, forecast, periods, plan_changes, raises, salaries, team
from services.salary.in_force import positions_of

PRINT_CSS = str(Path(__file__).resolve().parents[2] / "static" / "css" / "invoice.css")


class MySalaryView(SecuredView):
    permission = "salary.view"

    def _person(self):
        person_id = parse_id(request.args.get("employee")) if request.args.get("employee") else current_user.id
        if person_id is None or not team.sees_salary_of(current_user, person_id):
            abort(404)
        person = db.session.get(User, person_id, options=[lazyload("*")])
        if person is None or person.deleted_at is not None:
            abort(404)
        return person

    @expose("/")
    def index(self):
        return self._page(self._person(), period_choice.chosen())

    def _page(self, person, period, status=200, errors=None):
        found = adjustments.of_person(person.id, period)
        context = {"person": person, "period": period, "period_label": period_choice.label(period),
                   "periods": period_choice.choices(), "result_labels": results.labels(),
                   "reasons": adjustments.REASONS, "kinds": adjustments.KIND_LABELS,
                   "adjustments": found, "cancelled": {item.cancels_id for item, _by in found if item.cancels_id},
                   "may_cancel": period.status == "open" and adjustments.may_adjust(current_user, person.id),
                   "errors": errors or {}, "may_set_figures": access.can(current_user, "salary.plans")}  # fmt: skip
        context.update(history=closing.history_of(person.id), period_choice_label=period_choice.label)
        if period.status == "closed":
            context["frozen"] = closing.frozen_of(person.id, period)
            context["payslip"] = closing.payslip(context["frozen"]) if context["frozen"] else None
        else:
            salary = salaries.of_person(person.id, period)
            context.update(salary=salary, forecast=forecast.forecast(salary, period, salary.zone, now_utc()),
                           steps=forecast.next_steps(salary), figure_labels=figure_labels(salary.in_force.plan),
                           raises_to_come=plan_changes.upcoming_raises([person.id], period.starts_on),
                           reason_text=raises.reason_text, day_label=period_choice.label_of_day)  # fmt: skip
        return self.render("admin/salary/mine.html", **context), status

    @expose("/adjustments/<id:adjustment_id>/cancel", methods=("POST",))
    def cancel(self, adjustment_id):
        """A leader takes back an adjustment of an open period, saying why; it stays in the history."""
        item = db.session.get(SalaryAdjustment, adjustment_id)
        if item is None or not team.sees_salary_of(current_user, item.user_id):
            abort(404)
        person = db.session.get(User, item.user_id, options=[lazyload("*")])
        period = db.session.get(SalaryPeriod, item.period_id)
        try:
            adjustments.cancel(current_user, item, request.form.get("comment"))
        except PermissionError:
            abort(403)
        except (adjustments.AdjustmentError, periods.PeriodError) as error:
            db.session.rollback()
            flash(" ".join(str(message) for message in error.errors.values()) or str(error.message), "error")
            return self._page(person, period, status=error.status, errors={"cancel": item.id})
        unit_of_work.commit(keep=current_user)
        flash(_("The adjustment is cancelled."), "success")
        own = person.id == current_user.id
        return redirect(self.get_url(".index", period=period.id, employee=None if own else person.id))

    @expose("/payslip.pdf")
    def payslip(self):
        """A closed period's payslip as PDF: the frozen figures only."""
        person, period = self._person(), period_choice.chosen()
        frozen = closing.frozen_of(person.id, period) if period.status == "closed" else None
        if frozen is None:
            abort(404)
        try:
            from weasyprint import CSS, HTML
        except (ImportError, OSError):  # the PDF renderer's system libraries (Pango) are not installed
            flash(_("PDF cannot be made on this server."), "error")
            return redirect(self.get_url(".index", period=period.id, employee=person.id))
        company = db.session.scalar(select(Company).order_by(Company.id).limit(1))
        plan, found, pay = closing.payslip(frozen)
        html = self.render(
            "admin/salary/payslip.html", person=person, period_label=period_choice.label(period), frozen=frozen,
            plan=plan, results=found, pay=pay, personal=list(frozen.inputs.get("overrides", {})), company=company,
            result_labels=results.labels(), adjustments=adjustments.of_person(person.id, period),
            reasons=adjustments.REASONS, kinds=adjustments.KIND_LABELS, position=positions_of([person.id]).get(person.id),
        )  # fmt: skip
        document = HTML(string=html).write_pdf(stylesheets=[CSS(filename=PRINT_CSS)])
        response = Response(document, mimetype="application/pdf")
        name = f"payslip-{period.starts_on:%Y-%m}-{person.id}.pdf"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        response.headers["Cache-Control"] = "private, no-store"
        return response
