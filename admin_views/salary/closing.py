"""The salary periods as the owner closes them (/admin/salary/periods/): each period with its status
and who closed it; a period that has ended is closed by a background job, its progress shown here."""

from flask import abort, flash, redirect
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from admin_views.base import SecuredView
from admin_views.salary import periods as period_choice
from extensions import db, queues
from jobs import salary as salary_jobs
from models.salary import SalaryPeriod
from services.platform import unit_of_work
from services.platform.timezones import today_local, user_zone
from services.salary import closing

JOB_TIMEOUT = 3600
SHOWN = 36


class SalaryPeriodsView(SecuredView):
    permission = "salary.close"

    @expose("/")
    def index(self):
        rows = closing.periods_with_counts(SHOWN)
        progress = {
            period.id: salary_jobs.progress_of(period.id) for period, _n, _by in rows if period.status == "closing"
        }
        return self.render("admin/salary/periods.html", rows=rows, today=today_local(user_zone()),
                           label=period_choice.label, progress=progress)  # fmt: skip

    @expose("/<id:period_id>/close", methods=("POST",))
    def close(self, period_id):
        period = db.session.get(SalaryPeriod, period_id)
        if period is None:
            abort(404)
        if period.status != "open":
            flash(_("This period is closed already or being closed."), "error")
            return self.index(), 409
        if period.ends_on > today_local(user_zone()):
            flash(_("The period has not ended yet: it is closed after its last day."), "error")
            return self.index(), 409
        period.status = "closing"
        unit_of_work.commit(keep=current_user)
        queues.enqueue(salary_jobs.close_period, period.id, current_user.id, job_timeout=JOB_TIMEOUT)
        flash(_("The period is being closed: its salaries are frozen in the background."), "success")
        return redirect(self.get_url(".index"))
