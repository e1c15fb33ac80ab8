"""Exports: start one (any list page's "Export" control), "My exports" with live progress and
download links, and the owner's scheduled export emails."""

from urllib.parse import parse_qsl

from flask import abort, g, jsonify, redirect, request, send_file, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from rq import Retry
from sqlalchemy import select
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from admin_views.base import SecuredModelView, SecuredView, parse_id
from extensions import db, queues
from jobs import exports as export_jobs
from models.exports.export import ExportJob, ExportSchedule
from services.exports import registry as exports
from services.exports import schedules as export_schedules
from services.platform.timezones import format_local

MY_EXPORTS_LIMIT = 50
EXPORT_TIMEOUT = 3600
STATUS_LABELS = {"queued": _l("Queued"), "running": _l("Running"), "done": _l("Ready"), "failed": _l("Failed")}


def _wants_json():
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" or request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _title(key):
    spec = exports.get(key)
    return spec.title if spec else key


class ExportsView(SecuredView):
    permission = "dashboard.view"

    def _job(self, export_id):
        job = db.session.get(ExportJob, export_id)
        if job is None or job.user_id != current_user.id:
            abort(404)  # someone else's export looks exactly like a missing one
        return job

    @expose("/")
    def index(self):
        jobs = db.session.scalars(
            select(ExportJob)
            .where(ExportJob.user_id == current_user.id)
            .order_by(ExportJob.id.desc())
            .limit(MY_EXPORTS_LIMIT)
        ).all()
        return self.render(
            "admin/exports/index.html",
            jobs=jobs,
            title_of=_title,
            status_labels=STATUS_LABELS,
            localtime=format_local,
            started=parse_id(request.args.get("started")),
        )

    @expose("/start", methods=("POST",))
    def start(self):
        key = (request.form.get("list") or "").strip()
        fmt = (request.form.get("format") or "").strip().lower()
        args = exports.clean_args(dict(parse_qsl((request.form.get("args") or "").lstrip("?"))))
        try:
            exports.check_request(current_user, key, fmt, args)
        except exports.ExportError as error:
            if error.status == 403:
                abort(403)
            return jsonify({"error": str(error.message), "errors": {k: str(v) for k, v in error.errors.items()}}), 400
        job = ExportJob(user_id=current_user.id, list_key=key, args=args, format=fmt, status="queued")
        db.session.add(job)
        db.session.commit()
        queues.enqueue(
            export_jobs.run_export,
            job.id,
            queue="exports",
            job_timeout=EXPORT_TIMEOUT,
            retry=Retry(max=2, interval=[10, 60]),
        )
        if _wants_json():
            return jsonify(dict(export_jobs.progress_payload(job), list=key, page=url_for(".index"))), 202
        return redirect(url_for(".index", started=job.id), code=303)

    @expose("/<id:export_id>")
    def status(self, export_id):
        return jsonify(export_jobs.progress_payload(self._job(export_id)))

    @expose("/<id:export_id>/download")
    def download(self, export_id):
        job = self._job(export_id)
        path = export_jobs.file_of(job)
        if path is None:
            abort(404)
        mimetype, extension = exports.FORMATS[job.format]
        spec = exports.get(job.list_key)
        title = spec.title if spec is not None else _("Export")
        name = exports.file_name(title, format_local(job.created_at, fmt="%Y-%m-%d %H-%M"), extension)
        return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name)


# --- scheduled export emails (owner) ----------------------------------------------------------------


def _optional_int(value):
    return None if value in (None, "", "None") else int(value)


class ExportScheduleView(SecuredModelView):
    permission = "exports.schedule"
    manage_permission = "exports.schedule"
    can_view_details = False
    column_list = ("list_key", "filters", "period", "send_time", "recipients", "is_active", "last_delivery")
    column_labels = {
        "list_key": _l("Report"),
        "filters": _l("Filters"),
        "period": _l("Period"),
        "weekday": _l("Day of the week"),
        "month_day": _l("Day of the month"),
        "send_time": _l("Send time"),
        "recipients": _l("Recipients"),
        "is_active": _l("Active"),
        "last_delivery": _l("Last delivery"),
    }
    column_formatters = {
        "filters": lambda v, c, m, n: _words_of(m),
        "last_delivery": lambda v, c, m, n: _delivery_text(getattr(g, "last_deliveries", {}).get(m.id)),
        "list_key": lambda v, c, m, n: _title(m.list_key),
        "period": lambda v, c, m, n: export_schedules.PERIOD_LABELS.get(m.period, m.period),
    }
    form_columns = ("list_key", "filters", "period", "weekday", "month_day", "send_time", "recipients", "is_active")
    form_overrides = {
        "list_key": SelectField,
        "period": SelectField,
        "weekday": SelectField,
        "month_day": IntegerField,
        "filters": HiddenField,
        "recipients": TextAreaField,
    }
    form_args = {
        "list_key": {"label": _l("Report"), "choices": [], "validators": [DataRequired()]},
        "filters": {"label": _l("Filters"), "validators": [Optional(), Length(max=1000)]},
        "period": {"label": _l("Period"), "choices": list(export_schedules.PERIOD_LABELS.items())},
        "weekday": {
            "label": _l("Day of the week"),
            "choices": [("", "—")] + list(enumerate(export_schedules.WEEKDAYS)),
            "coerce": _optional_int,
            "validators": [Optional()],
        },
        "month_day": {"label": _l("Day of the month"), "validators": [Optional(), NumberRange(min=1, max=28)]},
        "send_time": {
            "label": _l("Send time"),
            "description": _l("HH:MM in your time zone"),
            "validators": [DataRequired(), Regexp(export_schedules.TIME_RE, message=_l("Enter the time as HH:MM."))],
        },
        "recipients": {
            "label": _l("Recipients"),
            "description": _l("Email addresses, separated by commas"),
            "validators": [DataRequired()],
        },
    }

    create_template = "admin/exports/schedule_create.html"
    edit_template = "admin/exports/schedule_edit.html"

    def _with_lists(self, form):
        form.list_key.choices = [(spec.key, str(spec.title)) for spec in exports.available(current_user)]
        return form

    def create_form(self, obj=None):
        """ "Schedule e-mails of this view" (the export control of a list page) brings the list and its
        filters; they are kept as they came, and shown in words."""
        form = self._with_lists(super().create_form(obj))
        if request.method == "GET":
            form.list_key.data = request.args.get("list_key") or form.list_key.data
            form.filters.data = (request.args.get("filters") or "")[:1000]
        return form

    def filters_in_words(self, form):
        """[(label, text)] of the form's filters for the page; [] for the whole list."""
        spec = exports.get(form.list_key.data)
        return exports.filters_in_words(spec, export_schedules.filter_args(form.filters.data), current_user)

    def edit_form(self, obj=None):
        return self._with_lists(super().edit_form(obj))

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.owner_id = current_user.id
            model.owner = current_user
        model.filters = (model.filters or "").strip().lstrip("?")
        model.send_time = (model.send_time or "").strip()
        if model.period != "weekly":
            model.weekday = None
        if model.period != "monthly":
            model.month_day = None
        errors = export_schedules.validate(model, current_user)
        if errors:
            raise ValidationError("; ".join(f"{form[name].label.text}: {message}" for name, message in errors.items()))
        model.recipients = ", ".join(export_schedules.parse_recipients(model.recipients)[0])

    def narrow(self, query):
        return query.filter(ExportSchedule.owner_id == current_user.id)

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        if kwargs.get("execute", True) is not False:
            rows = list(rows)
            g.last_deliveries = export_schedules.last_deliveries([row.id for row in rows])
        return count, rows


def _words_of(schedule):
    words = exports.filters_in_words(
        exports.get(schedule.list_key), export_schedules.filter_args(schedule.filters), current_user
    )
    return "; ".join(f"{label}: {text}" for label, text in words) or _("the whole list")


def _delivery_text(delivery):
    """ "Sent, 2026-12-07 09:00", or the failure with its error; "—" before the first."""
    if delivery is None:
        return "—"
    label = export_schedules.DELIVERY_LABELS.get(delivery.status, delivery.status)
    when = format_local(delivery.sent_at or delivery.claimed_at)
    if delivery.status != "failed":
        return f"{label}, {when}"
    return Markup(  # noqa: S704 (escaped)
        f'<span class="text-danger">{escape(label)}, {escape(when)}</span>'
        f'<div class="small text-danger text-break">{escape(delivery.error or "")}</div>'
    )
