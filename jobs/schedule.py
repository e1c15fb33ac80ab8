"""Periodic jobs as data: one list, read by the scheduler (embedded thread or `flask scheduler`).

Each entry: a fixed `id`, the job's dotted `func`, `interval_seconds`, optionally `queue`,
`timeout` (seconds) and `retry` (back-off in seconds before each retry of a failed run)."""

# A failed run is tried again after 10 s, 1 min and 5 min, then stays in the failed list.
RETRY_INTERVALS = (10, 60, 300)

PERIODIC_JOBS = [
    {"id": "end-idle-sessions", "func": "jobs.maintenance.end_idle_sessions", "interval_seconds": 300},
    {"id": "purge-old-login-attempts", "func": "jobs.maintenance.purge_old_login_attempts", "interval_seconds": 86400},
    {
        "id": "open-periodic-stage-tasks",
        "func": "jobs.pipeline_jobs.open_periodic_stage_tasks",
        "interval_seconds": 3600,
        "timeout": 1800,
    },
    {
        "id": "roll-bank-check-deadlines",
        "func": "jobs.pipeline_jobs.roll_bank_check_deadlines",
        "interval_seconds": 900,
        "timeout": 900,
    },
    {
        "id": "send-due-export-emails",
        "func": "jobs.exports.send_due_export_emails",
        "interval_seconds": 60,
        "queue": "exports",
        "timeout": 600,
    },
    {"id": "purge-old-exports", "func": "jobs.exports.purge_old_exports", "interval_seconds": 3600, "queue": "exports"},
]
