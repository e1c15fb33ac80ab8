"""Periodic jobs as data, read by the scheduler (embedded thread or `flask scheduler`). Each domain's
jobs module (jobs/<domain>.py) registers its own from its init_app.

Each entry: a fixed `id`, the job's dotted `func`, its `label` (what the jobs page calls it),
`interval_seconds`, optionally `queue`, `timeout` (seconds) and `retry` (back-off in seconds before
each retry of a failed run). Jobs enqueued on demand name themselves with `name(func, label)`."""

# A failed run is tried again after 10 s, 1 min and 5 min, then stays in the failed list.
RETRY_INTERVALS = (10, 60, 300)

PERIODIC_JOBS = []
LABELS = {}  # dotted func → what people call the job


def register(*specs):
    """Add periodic jobs; an id registered again replaces its entry (an app created twice)."""
    for spec in specs:
        PERIODIC_JOBS[:] = [known for known in PERIODIC_JOBS if known["id"] != spec["id"]]
        PERIODIC_JOBS.append(spec)
        name(spec["func"], spec["label"])


def name(func, label):
    LABELS[func] = label


def label_of(func):
    from flask_babel import gettext as _

    return LABELS.get(func) or _("Other job")
