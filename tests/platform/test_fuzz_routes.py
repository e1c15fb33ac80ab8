"""Hostile input on every route of the app's URL map, signed in as the owner and as an agent: ids of
twenty digits, zero, negative, foreign digits and text in every path argument; those and impossible
dates and cursors in every query parameter a page reads and in every field a form posts. Nothing
may answer 5xx: a malformed request is a 4xx (or the page with a field error), never a crash.

Which query parameters and form fields a route reads is found by recording the reads of a first
request (request.args and request.form are the Request's parameter_storage_class), so a parameter
added to a view tomorrow is tried without this file knowing its name."""

import re
from datetime import date
from decimal import Decimal
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from werkzeug.datastructures import ImmutableMultiDict

from extensions import admin, db
from models.base import utcnow
from models.cards.card import Transaction
from models.exports.export import ExportJob
from models.salary import SalaryPlan
from models.tasks.task import Task
from services.clients import events, invoices
from services.exports import registry as exports
from services.salary import periods as salary_periods
from tests.conftest import csrf_token
from tests.factories.cards import make_card
from tests.factories.clients import make_client
from tests.factories.platform import make_user
from tests.view_helpers import sign_in

OVERSIZED = "9" * 20  # beyond a BIGINT, and beyond what SQLite binds
HUGE = "9" * 5000  # beyond what int() converts (4300 digits)
FOREIGN_DIGITS = "\u0661\u0662\u0663"  # '١٢٣': Arabic-Indic digits, which int() and Decimal() take
PATH_VALUES = ("0", "-1", OVERSIZED, "1" * 19, FOREIGN_DIGITS, "abc", "1.5")
VALUES = ("0", "-1", OVERSIZED, HUGE, FOREIGN_DIGITS, "0001-01-01", "9999-12-31", f"2026-01-01T00:00:00_{OVERSIZED}")
# Flask-Admin's list filters take date-times and ranges of them; its number fields take NaN.
FILTER_VALUES = (*VALUES, "0001-01-01 00:00:00", "0001-01-01 00:00:00 to 9999-12-31 23:59:59")
FORM_VALUES = (*VALUES, "NaN")
# Query strings of the export lists: every filter the lists' pages read, all at once (the checks
# read them all, so one hostile value cannot hide another).
EXPORT_ARGS = (
    "tab", "from", "to", "preset", "author", "responsible", "status", "overdue", "before", "after", "state", "seq",
    "stage", "card", "number", "contact", "bank", "supplier", "agent", "manager", "accountant", "page", "sort",
    "desc", "search", "flt0_0",
)  # fmt: skip
# Modes a page reads its other parameters in: the cards' archive tab, the tasks' "all" tab.
CONTEXTS = {"tab": ("archive", "all", "outgoing")}
# Signing in and out is tested in test_login.py; fuzzing it here would sign the fuzzing client out.
# Starting two-factor set-up would make every later profile page draw a QR code.
NOT_FUZZED = {"auth.login", "auth.second_factor", "auth.logout", "profile.totp_start", "static", "admin.static"}
ARGUMENT_RE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


class RecordedReads(ImmutableMultiDict):
    """request.args / request.form that note which keys the view asked for."""

    reads = None

    def _note(self, key):
        if RecordedReads.reads is not None:
            RecordedReads.reads.add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def getlist(self, key, type=None):
        self._note(key)
        return super().getlist(key, type)


@pytest.fixture
def recording(app, monkeypatch):
    monkeypatch.setattr(app.request_class, "parameter_storage_class", RecordedReads)

    def reads_of(send, *args):
        """The keys of request.args and request.form read while answering send(*args)."""
        RecordedReads.reads = set()
        try:
            send(*args)
            return set(RecordedReads.reads)
        finally:
            RecordedReads.reads = None

    return reads_of


@pytest.fixture
def world():
    owner = make_user(role_code="owner", full_name="Olena Owner")
    agent = make_user(role_code="agent", full_name="Andriy Agent")
    card = make_card(agent=agent)
    client = make_client(owner, full_name="Anna Koval")
    invoice = invoices.create(client, owner, [{"description": "Course", "price": "100"}])
    db.session.flush()
    event = events.plan(client, owner, ZoneInfo("Europe/Kyiv"), type_id=str(events.types()[0].id),
                        starts_at="2026-12-08T10:00", duration_minutes="30", remind_minutes="0")  # fmt: skip
    transaction = Transaction(
        card_id=card.id,
        stage_id=card.stage_id,
        date=date(2026, 3, 1),
        type="top_up",
        amount=Decimal("100.00"),
        commission_kind="percent",
        commission_rate=Decimal("1.00"),
        commission=Decimal("1.00"),
    )
    task = Task(title="Call the bank", author_id=owner.id, assignee_id=agent.id, status="new", deadline=utcnow())
    job = ExportJob(user_id=owner.id, list_key="tasks.incoming", args={}, format="csv", status="queued")
    ended_period = salary_periods.ensure(date(2026, 1, 15))
    db.session.add_all([transaction, task, job])
    db.session.commit()
    valid = {
        "card_id": card.id,
        "subject_id": card.id,
        "client_id": client.id,
        "invoice_id": invoice.id,
        "event_id": event.id,
        "document_id": 1,
        "import_id": 1,
        "person_id": owner.id,
        "stage_id": card.stage_id,
        "task_id": task.id,
        "transaction_id": transaction.id,
        "export_id": job.id,
        "message_id": 1,
        "user_id": agent.id,
        "job_id": "no-such-job",
        "period_id": ended_period.id,
        "plan_id": db.session.scalar(select(SalaryPlan.id).limit(1)),
        "override_id": 1,
        "adjustment_id": 1,
        "notification_id": 1,
        "attachment_id": 1,
        "suggestion_id": 1,
        "branch_id": 1,
        "topic_id": 1,
        "post_id": 1,
        "photo_id": 1,
        "export_type": "csv",
    }
    return {"owner": owner, "agent": agent, "valid": valid}


def _path(rule, values):
    return ARGUMENT_RE.sub(lambda match: quote(str(values[match[1]]), safe=""), rule.rule)


def _rules(app, method):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if method in rule.methods and rule.endpoint not in NOT_FUZZED:
            yield rule


def _filters(endpoint):
    """{key: filter} of the Flask-Admin view of `endpoint` (none for other views)."""
    view = next((v for v in admin._views if v.endpoint == endpoint.split(".")[0]), None)
    return {key: flt for key, (_index, flt) in (getattr(view, "_filter_args", None) or {}).items()}


def _filter_keys(endpoint):
    """flt0_<key> of one filter of each kind the view of `endpoint` offers."""
    by_kind = {}
    for key, flt in _filters(endpoint).items():
        by_kind.setdefault(type(flt), f"flt0_{key}")
    return set(by_kind.values())


def _filter_of(endpoint, arg):
    return _filters(endpoint)[arg.partition("_")[2]]


def _handler(app, endpoint):
    """The function behind a route: Flask-Admin's model views share theirs (index_view, edit_view...)."""
    function = app.view_functions[endpoint]
    function = getattr(function, "__wrapped__", function)
    return getattr(function, "__func__", function)


class Findings:
    """Sends the requests and keeps what answered 5xx; under TESTING an unhandled error is raised
    by the test client instead of answered 500, and counts the same."""

    def __init__(self, client):
        self.client, self.failures, self.count = client, [], 0

    def send(self, method, url, sent=None):
        self.count += 1
        try:
            if method == "GET":
                status = self.client.get(url, query_string=sent or {}).status_code
            else:
                status = self.client.post(url, data=sent or {}).status_code
        except Exception as error:  # any crash is the finding
            status = f"{type(error).__name__}: {error}"[:160]
        if not isinstance(status, int) or status >= 500:
            shown = {k: v for k, v in (sent or {}).items() if k != "csrf_token"}
            self.failures.append(f"{method} {url} {shown or ''} → {status}")

    def assert_none(self):
        assert not self.failures, f"{len(self.failures)} of {self.count} requests failed:\n" + "\n".join(
            self.failures[:60]
        )


def _contexts(reads):
    return [{name: value} for name, values in CONTEXTS.items() if name in reads for value in values]


def _values(key, form=False):
    return FILTER_VALUES if key.startswith("flt") else FORM_VALUES if form else VALUES


class Tried:
    """A parameter is tried once per function that reads it (the fourteen model views share
    Flask-Admin's list, form and details code) and a list filter once per kind of filter, which is
    what parses its value."""

    def __init__(self, app):
        self.app, self.seen = app, set()

    def first(self, rule, context, key):
        if key.startswith("flt"):
            key = type(_filter_of(rule.endpoint, key))  # filters parse by kind, whatever their column
        mark = (
            tuple(sorted(rule.methods & {"GET", "POST"})),
            _handler(self.app, rule.endpoint),
            tuple(context.items()),
            key,
        )
        if mark in self.seen:
            return False
        self.seen.add(mark)
        return True


def _fuzz_gets(app, client, valid, reads_of):
    findings, tried = Findings(client), Tried(app)
    for rule in _rules(app, "GET"):
        for name in rule.arguments:
            for value in PATH_VALUES:
                findings.send("GET", _path(rule, {**valid, name: value}))
        url = _path(rule, valid)
        # A list reads only the filters it is sent: send it one of each kind to see which it reads.
        offered = dict.fromkeys(_filter_keys(rule.endpoint), "")
        reads = reads_of(findings.send, "GET", url, offered)
        pending = [({}, reads)]
        for context in _contexts(reads):
            # A mode is tried for what it reads besides what the page reads anyway.
            pending.append((context, reads_of(findings.send, "GET", url, context) - reads))
        for context, keys in pending:
            for key in sorted(keys - set(context)):
                if tried.first(rule, context, key):
                    for value in _values(key):
                        findings.send("GET", url, {**context, key: value})
    return findings


def _fuzz_posts(app, client, valid, reads_of):
    findings, tried = Findings(client), Tried(app)
    token = csrf_token(client)
    for rule in _rules(app, "POST"):
        for name in rule.arguments:
            for value in PATH_VALUES:
                findings.send("POST", _path(rule, {**valid, name: value}), {"csrf_token": token})
        url = _path(rule, valid)
        reads = reads_of(findings.send, "POST", url, {"csrf_token": token})
        for key in sorted(reads - {"csrf_token"}):
            if tried.first(rule, {}, key):
                for value in _values(key, form=True):
                    findings.send("POST", url, {"csrf_token": token, key: value})
    return findings


def _fuzz_exports(client):
    findings = Findings(client)
    token = csrf_token(client)
    for key in sorted(exports.REGISTRY):
        for value in VALUES:
            args = urlencode(dict.fromkeys(EXPORT_ARGS, value))
            findings.send(
                "POST", "/admin/exports/start", {"csrf_token": token, "list": key, "format": "csv", "args": args}
            )
    return findings


@pytest.mark.parametrize("role", ["owner", "agent"])
def test_no_get_route_answers_5xx_to_hostile_input(app, world, recording, role):
    client = sign_in(app, world[role])
    _fuzz_gets(app, client, world["valid"], recording).assert_none()


@pytest.mark.parametrize("role", ["owner", "agent"])
def test_no_post_route_answers_5xx_to_hostile_input(app, world, recording, role):
    client = sign_in(app, world[role])
    _fuzz_posts(app, client, world["valid"], recording).assert_none()


def test_no_export_answers_5xx_to_hostile_filters(app, world):
    client = sign_in(app, world["owner"])
    _fuzz_exports(client).assert_none()
