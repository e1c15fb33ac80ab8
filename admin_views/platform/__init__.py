"""The platform's pages: sign-in, profile, staff and team, the org structure and roles, the change log,
the jobs page; and what every request gets (security headers, language, errors, its log line)."""

from flask_babel import lazy_gettext as _l

from admin_views import DIRECTORIES, ORGANISATION, add_page


def init_app(app):
    from admin_views.platform import (
        audit,
        auth,
        documents,
        errors,
        health,
        i18n,
        jobs,
        notifications,
        org,
        outbox,
        profile,
        request_log,
        security,
        staff,
    )
    from models.platform import ChangeLog, Company, Department, Membership, Office, OutboxMessage, Position, Role, User

    app.register_blueprint(auth.bp)
    request_log.init_app(app)
    health.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    add_page(40, "team", lambda: staff.TeamView(User, name=_l("My team"), endpoint="team", url="team"))
    add_page(
        50,
        "staff",
        lambda: staff.StaffView(User, name=_l("Staff"), endpoint="staff", url="staff", category=DIRECTORIES),
    )
    for order, view, model, name, endpoint in (
        (80, org.OfficeView, Office, _l("Offices"), "offices"),
        (90, org.DepartmentView, Department, _l("Departments"), "departments"),
        (100, org.PositionView, Position, _l("Positions"), "positions"),
        (110, org.MembershipView, Membership, _l("Memberships"), "memberships"),
        (120, org.RoleView, Role, _l("Roles and access"), "roles"),
        (125, org.CompanyView, Company, _l("Company requisites"), "company"),
        (150, audit.ChangeLogView, ChangeLog, _l("Change log"), "changelog"),
        (170, outbox.OutboxView, OutboxMessage, _l("Outbox"), "outbox"),
    ):
        add_page(order, endpoint, _model_page(view, model, name, endpoint))
    add_page(
        160,
        "jobs",
        lambda: jobs.JobsView(name=_l("Background jobs"), endpoint="jobs", url="jobs", category=ORGANISATION),
    )
    add_page(
        195,
        "documents",
        lambda: documents.EmployeeDocumentsView(name=_l("Documents"), endpoint="documents", url="documents"),
    )
    add_page(200, "profile", lambda: profile.ProfileView(name=_l("Profile"), endpoint="profile", url="profile"))
    add_page(201, "notifications", lambda: notifications.NotificationsView(
        name=_l("Notifications"), endpoint="notifications", url="notifications"))  # fmt: skip
    app.add_template_global(notifications.unread_notifications, "unread_notifications")
    _describe_changes(org)


def _describe_changes(org):
    from admin_views.change_words import describe
    from forms.platform.profile import LANGUAGE_CHOICES

    describe("users", _l("Person"), {"role_id": _l("Role")}, {"language": dict(LANGUAGE_CHOICES)}, view="staff")
    describe("offices", _l("Office"), view="offices")
    describe("company", _l("Company requisites"), org.COMPANY_LABELS)
    describe("employee_documents", _l("Document"), {"user_id": _l("Person"), "file_id": _l("File")})
    describe(
        "departments", _l("Department"), {"office_id": _l("Office")}, {"kind": org.KIND_LABELS}, view="departments"
    )
    describe("positions", _l("Position"), {"role_id": _l("Access profile")}, view="positions")
    describe(
        "memberships",
        _l("Membership"),
        {"user_id": _l("Person"), "office_id": _l("Office"), "department_id": _l("Department"),
         "position_id": _l("Position"), "parent_id": _l("Reports to")},
        view="memberships",
    )  # fmt: skip
    describe("roles", _l("Access profile"), {"kind": _l("Kind")}, {"kind": org.ROLE_KINDS}, view="roles")


def _model_page(view, model, name, endpoint):
    return lambda: view(model, name=name, endpoint=endpoint, url=endpoint, category=ORGANISATION)
