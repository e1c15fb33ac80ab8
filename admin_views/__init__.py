"""Registers every admin view and the sign-in blueprint."""

from flask_babel import lazy_gettext as _l

from admin_views import export_lists, id_converter, kept_assets, kept_menu, select_options
from admin_views.audit import ChangeLogView
from admin_views.auth import bp as auth_blueprint
from admin_views.cards import CardView
from admin_views.dashboard import DashboardView
from admin_views.directories import BankView, ContractorView
from admin_views.exports import ExportScheduleView, ExportsView
from admin_views.jobs import JobsView
from admin_views.org import DepartmentView, MembershipView, OfficeView, PositionView, RoleView
from admin_views.pipelines import PipelineView, StageView
from admin_views.profile import ProfileView
from admin_views.reports import FinanceReportView
from admin_views.staff import StaffView, TeamView
from admin_views.tasks import TasksView
from admin_views.tracker import TrackerView
from extensions import admin
from models import Bank, ChangeLog, Contractor, Department, Membership, Office, Pipeline, Position, Role, Stage, User
from models.card import Card
from models.export import ExportSchedule

_registered = False


def _views():
    org = _l("Organisation")
    directories = _l("Directories")
    return [
        TrackerView(name=_l("Task tracker"), endpoint="tracker", url="tracker"),
        TasksView(name=_l("Tasks"), endpoint="tasks", url="tasks"),
        CardView(Card, name=_l("Cards"), endpoint="cards", url="cards"),
        TeamView(User, name=_l("My team"), endpoint="team", url="team"),
        StaffView(User, name=_l("Staff"), endpoint="staff", url="staff", category=directories),
        ContractorView(
            Contractor, name=_l("Contractors"), endpoint="contractors", url="contractors", category=directories
        ),
        BankView(Bank, name=_l("Banks"), endpoint="banks", url="banks", category=directories),
        OfficeView(Office, name=_l("Offices"), endpoint="offices", url="offices", category=org),
        DepartmentView(Department, name=_l("Departments"), endpoint="departments", url="departments", category=org),
        PositionView(Position, name=_l("Positions"), endpoint="positions", url="positions", category=org),
        MembershipView(Membership, name=_l("Memberships"), endpoint="memberships", url="memberships", category=org),
        RoleView(Role, name=_l("Roles and access"), endpoint="roles", url="roles", category=org),
        PipelineView(Pipeline, name=_l("Pipelines"), endpoint="pipelines", url="pipelines", category=org),
        StageView(Stage, name=_l("Stages"), endpoint="stages", url="stages", category=org),
        ChangeLogView(ChangeLog, name=_l("Change log"), endpoint="changelog", url="changelog", category=org),
        JobsView(name=_l("Background jobs"), endpoint="jobs", url="jobs", category=org),
        FinanceReportView(
            name=_l("Financial report"), endpoint="finance_report", url="reports/finance", category=_l("Reports")
        ),
        ExportScheduleView(
            ExportSchedule,
            name=_l("Scheduled exports"),
            endpoint="export_schedules",
            url="export-schedules",
            category=_l("Reports"),
        ),
        ExportsView(name=_l("My exports"), endpoint="exports", url="exports"),
        ProfileView(name=_l("Profile"), endpoint="profile", url="profile"),
    ]


def init_app(app):
    global _registered
    id_converter.init_app(app)
    app.register_blueprint(auth_blueprint)
    kept_menu.init_app(app)
    kept_assets.init_app(app)
    select_options.init_app(app)
    export_lists.register_all()
    if not _registered:
        views = _views()
        admin.add_views(*views)
        export_lists.register_model_views(views)
        admin.init_app(app, index_view=DashboardView(name=_l("Home"), url="/admin", endpoint="admin"))
        _registered = True
    else:
        admin.init_app(app)
