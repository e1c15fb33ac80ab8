"""Exports: "My exports", the export control of every list, and the owner's scheduled export emails."""

from flask_babel import lazy_gettext as _l

from admin_views import REPORTS, add_page


def init_app(app):
    from admin_views.exports import export_views
    from models.exports import ExportSchedule

    add_page(
        180,
        "export_schedules",
        lambda: export_views.ExportScheduleView(
            ExportSchedule, name=_l("Scheduled exports"), endpoint="export_schedules", url="export-schedules",
            category=REPORTS,
        ),
    )  # fmt: skip
    add_page(190, "exports", lambda: export_views.ExportsView(name=_l("My exports"), endpoint="exports", url="exports"))
