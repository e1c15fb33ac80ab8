"""Periodic jobs as data: one list, read by the scheduler (embedded thread or `flask scheduler`)."""

PERIODIC_JOBS = [
    {"id": "end-idle-sessions", "func": "jobs.maintenance.end_idle_sessions", "interval_seconds": 300},
    {"id": "purge-old-login-attempts", "func": "jobs.maintenance.purge_old_login_attempts", "interval_seconds": 86400},
]
