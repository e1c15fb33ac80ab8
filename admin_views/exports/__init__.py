"""Exports: "My exports", the export control of every list, and the owner's scheduled export emails."""

from flask_babel import lazy_gettext as _l

from admin_views import REPORTS, add_page
from admin_views.exports.model_lists import view_rows
from services.exports import registry as exports


def init_app(app):
    from admin_views.exports import export_views
    from models.exports import ExportSchedule

    app.add_template_global(_may_schedule_exports, "may_schedule_exports")
    add_page(
        180,
        "export_schedules",
        lambda: export_views.ExportScheduleView(
            ExportSchedule, name=_l("Scheduled exports"), endpoint="export_schedules", url="export-schedules",
            category=REPORTS,
        ),
    )  # fmt: skip
    _register_platform_lists()
    _describe_changes(export_views)
    add_page(190, "exports", lambda: export_views.ExportsView(name=_l("My exports"), endpoint="exports", url="exports"))


def _memberships(staff):
    return lambda record: staff._positions(None, None, record, "memberships")


def _register_platform_lists():
    """The platform's lists: the staff directory and the change log."""
    from admin_views.platform import audit, staff

    labels = staff.STAFF_LABELS
    exports.register(
        "staff",
        _l("Staff"),
        "staff.view",
        [labels[k] for k in ("username", "full_name", "email", "phone", "role", "memberships", "language",
                             "timezone", "is_blocked", "totp_enabled", "last_login_at", "created_at")],
        view_rows("staff", ("username", "full_name", "email", "phone", "role", _memberships(staff), "language",
                            "timezone", "is_blocked", "totp_enabled", "last_login_at", "created_at")),
    )  # fmt: skip
    exports.register(
        "changelog",
        _l("Change log"),
        "audit.view",
        (_l("When"), _l("Who"), _l("Action"), _l("Record type"), _l("Record"), _l("Field"), _l("Was"),
         _l("Became")),
        view_rows("changelog", (), large=True, convert_batch=_changes_in_words(audit.ACTION_LABELS)),
    )  # fmt: skip


def _changes_in_words(action_labels):
    from admin_views.change_words import ChangeWords

    def convert_batch(records):
        words = ChangeWords(records)
        rows = []
        for record in records:
            said = words.of(record)
            values = (said.old, said.new) if record.field else ("", "")
            action = str(action_labels.get(record.action, record.action))
            rows.append((record.at, str(record.user) if record.user else "", action, said.record_type, said.record,
                         said.field, *values))  # fmt: skip
        return rows

    return convert_batch


def _describe_changes(export_views):
    from admin_views.change_words import describe
    from services.exports import schedules

    describe(
        "export_schedules",
        _l("Scheduled export"),
        {"owner_id": _l("Owner")},
        {"period": schedules.PERIOD_LABELS},
        view="export_schedules",
    )


def _may_schedule_exports():
    from flask_login import current_user

    from services.platform import access

    return access.can(current_user, "exports.schedule")
