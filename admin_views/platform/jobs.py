"""The owner's jobs page: what is queued, running, waiting to retry and failed (with the error),
liveness of workers and the scheduler, and a retry button for failed jobs."""

from flask import abort, flash, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from admin_views.base import SecuredView
from jobs import monitor as job_monitor
from jobs import schedule

QUEUE_LABELS = {"default": _l("General"), "exports": _l("Exports")}


def every_text(seconds):
    """300 → "every 5 min"."""
    if not seconds:
        return ""
    if seconds % 86400 == 0:
        return _("every %(count)s d", count=seconds // 86400)
    if seconds % 3600 == 0:
        return _("every %(count)s h", count=seconds // 3600)
    if seconds % 60 == 0:
        return _("every %(count)s min", count=seconds // 60)
    return _("every %(count)s s", count=seconds)


# RQ's worker states, as the page shows them.
WORKER_STATES = {
    "idle": _l("idle"),
    "busy": _l("busy"),
    "started": _l("starting"),
    "suspended": _l("suspended"),
}


class JobsView(SecuredView):
    permission = "jobs.manage"

    @expose("/")
    def index(self):
        return self.render(
            "admin/platform/jobs.html",
            summary=job_monitor.summary(),
            lists={state: job_monitor.list_jobs(state) for state in ("failed", "started", "queued", "scheduled")},
            periodic=job_monitor.periodic_jobs(),
            stale_after=job_monitor.SCHEDULER_STALE_SECONDS,
            worker_states=WORKER_STATES,
            job_label=schedule.label_of,
            queue_labels=QUEUE_LABELS,
            every_text=every_text,
        )

    @expose("/retry/<job_id>", methods=("POST",))
    def retry(self, job_id):
        try:
            job_monitor.retry(job_id)
        except job_monitor.UnknownJob:
            abort(404)
        flash(_("The job is queued again."), "success")
        return redirect(url_for(".index"))
