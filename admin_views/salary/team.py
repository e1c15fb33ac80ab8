"""A leader's team table (/admin/salary/team/): his people's salaries for a period with totals by
department and office, and his adjustments of an open period's (POST adjust)."""

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from admin_views.base import SecuredView, parse_id
from admin_views.salary import periods as period_choice
from extensions import db
from jobs import salary as salary_jobs
from models.salary import SalaryPeriod
from services.platform import unit_of_work
from services.salary import adjustments, periods, team


class TeamSalaryView(SecuredView):
    permission = "salary.team"

    @expose("/")
    def index(self):
        return self._page(period_choice.chosen())

    def _page(self, period, errors=None, sent=None):
        people = team.team_ids(current_user)
        found, computed_at = team.rows(people, period)
        waiting = team.reads_kept(people, period) and not found
        if waiting:
            salary_jobs.estimate_soon()
        by_department, by_office, total = team.totals(found)
        return self.render(
            "admin/salary/team.html", period=period, period_label=period_choice.label(period),
            periods=period_choice.choices(), rows=found, by_department=by_department, by_office=by_office,
            total=total, reasons=adjustments.REASONS, kinds=adjustments.KIND_LABELS, errors=errors or {},
            sent=sent or {}, computed_at=computed_at, waiting=waiting, may_adjust=period.status == "open" and any(
                adjustments.may_adjust(current_user, row.user_id) for row in found),
        )  # fmt: skip

    @expose("/adjust", methods=("POST",))
    def adjust(self):
        period = db.session.get(SalaryPeriod, parse_id(request.form.get("period")) or 0)
        person_id = parse_id(request.form.get("employee"))
        if period is None or person_id is None or not team.sees_salary_of(current_user, person_id):
            abort(404)
        sent = {name: request.form.get(name, "") for name in ("kind", "amount", "reason", "comment")}
        try:
            adjustments.adjust(current_user, person_id, period, **sent)
        except PermissionError:
            abort(403)
        except (adjustments.AdjustmentError, periods.PeriodError) as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return self._page(period, errors=error.errors, sent={**sent, "employee": person_id}), 422
        unit_of_work.commit(keep=current_user)
        flash(_("The adjustment is saved."), "success")
        return redirect(self.get_url(".index", period=period.id))
