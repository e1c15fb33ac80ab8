"""Periodic jobs as data, read by the scheduler (embedded thread or `flask scheduler`). Each domain's
jobs module (jobs/<domain>.py) registers its own from its init_app.

Each entry: a fixed `id`, the job's dotted `func`, `interval_seconds`, optionally `queue`,
`timeout` (seconds) and `retry` (back-off in seconds before each retry of a failed run)."""

# A failed run is tried again after 10 s, 1 min and 5 min, then stays in the failed list.
RETRY_INTERVALS = (10, 60, 300)

PERIODIC_JOBS = []


def register(*specs):
    """Add periodic jobs; an id registered again replaces its entry (an app created twice)."""
    for spec in specs:
        PERIODIC_JOBS[:] = [known for known in PERIODIC_JOBS if known["id"] != spec["id"]]
        PERIODIC_JOBS.append(spec)
