"""Motivation and salary: plans per position as data with personal overrides, what they pay for a
period's results (services.platform.results), leaders' adjustments, and the periods they are paid for."""

from flask_babel import lazy_gettext as _l

PERMISSIONS = {
    "salary.view": _l("See own salary, plan and forecast"),
    "salary.team": _l("See subordinates' salaries"),
    "salary.adjust": _l("Adjust subordinates' salaries"),
    "salary.adjust_any": _l("Adjust anyone's salary but one's own"),
    "salary.plans": _l("Edit salary plans and personal overrides"),
    "salary.close": _l("Close salary periods"),
    "hr.view": _l("See candidates and interviews"),
    "hr.manage": _l("Add and edit candidates and interviews"),
}


def init_app(app):
    from services.platform import access, notifications
    from services.salary import export_lists, hiring

    access.register_permissions(PERMISSIONS)
    notifications.register("salary.adjusted", _l("An adjustment of my salary"),
                           _l("%(author)s adjusted your salary by %(amount)s: %(comment)s"), section="/admin/salary/")  # fmt: skip
    hiring.register()
    export_lists.register()
