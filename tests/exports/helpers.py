"""Helpers of the export tests over HTTP: start an export from a list page as the browser does, and
run the queued jobs in this process."""

from jobs.runner import EmbeddedWorker, make_worker
from tests.conftest import csrf_token


def start_export(client, token_page="/admin/cards/", **data):  # noqa: S107 (a page, not a password)
    """POST /admin/exports/start with the CSRF token of `token_page`, asking for JSON."""
    data.setdefault("args", "")
    data["csrf_token"] = csrf_token(client, token_page)
    return client.post("/admin/exports/start", data=data, headers={"Accept": "application/json"})


def run_worker(app):
    """Run every queued job once, in this process, until the queues are empty."""
    make_worker(app, EmbeddedWorker).work(burst=True)
