"""Home page: the key figures of what the user may see. The owner (reports.finance) also gets
cards per stage, overdue stage tasks by person, this month's money against last month's and the
jobs' health, refreshed live (static/js/dashboard.js re-fetches /admin/figures on board events)."""

from datetime import timedelta

from flask import jsonify, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select

from admin_views.base import SecuredMixin
from extensions import db
from jobs import monitor as job_monitor
from models.base import utcnow
from models.cards.directory import Bank, Contractor
from models.platform.org import Office
from models.platform.user import User
from realtime.rooms import board_room
from services.analytics import dashboard, my_day
from services.exports import schedules as export_schedules
from services.platform import access
from services.platform.money import money_text
from services.platform.timezones import now_utc, to_local

FAILURES_SHOWN = timedelta(days=7)


class DashboardView(SecuredMixin, AdminIndexView):
    permission = "dashboard.view"

    def _count(self, query):
        return db.session.scalar(select(func.count()).select_from(query.subquery()))

    def figures(self):
        user = current_user
        figures = []
        if my_day.has_a_day(user):
            # His stage tasks and ordinary tasks together, as "my day" below lists them.
            open_total, late = my_day.counts(user, utcnow())
            figures.append(("my_tasks", open_total, "admin.index", {"_anchor": "my-day"}))
            figures.append(("my_overdue", late, "admin.index", {"_anchor": "my-day"}))
        if access.can(user, "team.view"):
            team = select(User.id).where(User.deleted_at.is_(None), access.team_clause(user))
            figures.append(("team", self._count(team), "team.index_view", {}))
        if access.can(user, "staff.view"):
            figures.append(
                ("staff", self._count(select(User.id).where(User.deleted_at.is_(None))), "staff.index_view", {})
            )
        if access.can(user, "org.manage"):
            figures.append(("offices", self._count(select(Office.id)), "offices.index_view", {}))
        if access.can(user, "banks.view"):
            figures.append(("banks", self._count(select(Bank.id).where(Bank.is_active)), "banks.index_view", {}))
        if access.can(user, "contractors.view"):
            figures.append(
                (
                    "contractors",
                    self._count(select(Contractor.id).where(Contractor.is_active)),
                    "contractors.index_view",
                    {},
                )
            )
        return figures

    def my_day(self):
        """None for the owner (his home page is the figures) and for who has no tasks to do."""
        user = current_user
        if access.can(user, "reports.finance") or not my_day.has_a_day(user):
            return None
        items = my_day.items(user)
        return [
            {
                "item": item,
                "url": url_for("tracker.index", open=item.id)
                if item.kind == "stage"
                else url_for("tasks.task", task_id=item.id),
            }
            for item in items
        ]

    def owner_figures(self):
        """None unless the user is the owner (reports.finance); every figure with its link."""
        if not access.can(current_user, "reports.finance"):
            return None
        stages = [
            {
                "id": stage.id,
                "label": stage.label,
                "count": n,
                "url": url_for("tracker.index", _anchor=f"stage-{stage.id}"),
            }
            for stage, n in dashboard.stage_counts()
        ]
        overdue = [
            {
                "id": user_id,
                "name": name,
                "count": n,
                "url": url_for("tasks.auto", state="overdue", responsible=user_id),
            }
            for user_id, name, n in dashboard.overdue_by_person()
        ]
        months = dashboard.money_months(to_local(now_utc()).date())
        money = {}
        for when in ("this", "last"):
            start, end = months[f"{when}_period"]
            link = url_for("finance_report.index", **{"from": start.isoformat(), "to": end.isoformat()})
            for kind in ("work_off", "profit"):
                money[f"{kind}_{when}"] = {"value": money_text(getattr(months[when], kind)), "url": link}
        for kind in ("work_off", "profit"):
            money[f"{kind}_change"] = dashboard.change(getattr(months["this"], kind), getattr(months["last"], kind))
        health = _jobs_health()
        jobs = None
        if health is not None:
            jobs = {
                "queued": health.get("queued", 0),
                "failed": health.get("failed", 0),
                "workers": len(health.get("workers") or []),
                "scheduler_alive": bool(health.get("scheduler_alive")),
                "url": url_for("jobs.index"),
            }
        return {
            "stages": stages,
            "archive_url": url_for("cards.index_view", tab="archive"),
            "overdue": overdue,
            "money": money,
            "jobs": jobs,
            "failed_emails": self._failed_emails(),
        }

    @staticmethod
    def _failed_emails():
        """The owner's scheduled e-mails that failed in the last week and still are: none may fail unseen."""
        if not access.can(current_user, "exports.schedule"):
            return None
        failed = export_schedules.recent_failures(current_user.id, utcnow() - FAILURES_SHOWN)
        if not failed:
            return None
        return {"count": len(failed), "error": failed[0].error or "", "url": url_for("export_schedules.index_view")}

    @expose("/")
    def index(self):
        recent = []
        if access.can(current_user, "audit.view"):
            from admin_views.change_words import page_of_changes
            from models.platform.audit import ChangeLog

            recent = page_of_changes(db.session.scalars(select(ChangeLog).order_by(ChangeLog.id.desc()).limit(10)))
        return self.render(
            "admin/analytics/dashboard.html",
            figures=self.figures(),
            owner=self.owner_figures(),
            my_day=self.my_day(),
            now=utcnow(),
            recent=recent,
            board_room=board_room(current_user, "cards") if access.can(current_user, "cards.view") else "",
        )

    @expose("/figures")
    def figures_json(self):
        """The numbers of the page, for the live refresh: small, no rendering."""
        return jsonify(
            {
                "figures": {key: value for key, value, _endpoint, _args in self.figures()},
                "owner": self.owner_figures(),
            }
        )


def _jobs_health():
    """The job monitor's summary, or None when Redis does not answer."""
    try:
        return job_monitor.summary(None)
    except Exception:  # noqa: BLE001 — a dashboard tile must not take the page down with it
        return None
