"""Home page: the key figures of what the user may see."""

from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select

from admin_views.base import SecuredMixin
from extensions import db
from models.base import utcnow
from models.directory import Bank, Contractor
from models.org import Office
from models.pipeline import StageTask
from models.user import User
from services import access


class DashboardView(SecuredMixin, AdminIndexView):
    permission = "dashboard.view"

    def _count(self, query):
        return db.session.scalar(select(func.count()).select_from(query.subquery()))

    def figures(self):
        user = current_user
        figures = []
        if access.can(user, "cards.view"):
            mine = select(StageTask.id).where(StageTask.assignee_id == user.id, StageTask.closed_at.is_(None))
            figures.append(("my_tasks", self._count(mine), "tracker.index", {"mine": "1"}))
            overdue = mine.where(StageTask.deadline < utcnow())
            figures.append(("my_overdue", self._count(overdue), "tracker.index", {"mine": "1"}))
        if access.can(user, "team.view"):
            team = access.scope(user, select(User.id).where(User.deleted_at.is_(None), User.id != user.id), User)
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

    @expose("/")
    def index(self):
        recent = []
        if access.can(current_user, "audit.view"):
            from models.audit import ChangeLog

            recent = db.session.scalars(select(ChangeLog).order_by(ChangeLog.id.desc()).limit(10)).all()
        return self.render("admin/dashboard.html", figures=self.figures(), recent=recent)
