"""The platform every domain stands on: people, sessions, the org tree, the access policy, audit,
time zones, dates and numbers, the cache."""

from flask_babel import lazy_gettext as _l

PERMISSIONS = {
    "profile.edit": _l("Edit own profile"),
    "staff.view": _l("See all staff"),
    "staff.manage": _l("Add, edit, block and delete staff"),
    "team.view": _l("See subordinates"),
    "team.manage": _l("Block and unblock subordinates"),
    "org.manage": _l("Manage offices, departments, positions and roles"),
    "audit.view": _l("Read the change log"),
    "jobs.manage": _l("See background jobs and retry failed ones"),
    "outbox.view": _l("Read the e-mails kept in the outbox"),
    "scope.office": _l("See everyone in own offices"),
    "scope.all": _l("See everyone"),
}


def init_app(app):
    from services.platform import access, audit

    access.register_permissions(PERMISSIONS)
    audit.init_app(app)
