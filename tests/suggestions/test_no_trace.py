"""The proof that a suggestion keeps nothing of its author. Signed in through the real form from a
distinctive address, the author opens the form, sends a suggestion to a leader and opens the page
it returns to. Then: every row any table gained or changed, the log records of those requests,
every key and value in Redis and what the addressee's socket heard must hold none of the author's
id, username, full name, session token, session row or address. It fails if the suggestion kept a
created_by, the request log wrote the user, the session row was touched, or the notification named
the sender."""

import contextlib
import json
import logging
import re
import zlib
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, text, update

from extensions import db, queues
from models.base import utcnow
from models.platform.notification import Notification
from models.platform.user import UserSession
from models.suggestions import Suggestion
from tests.conftest import csrf_token
from tests.factories.suggestions import make_suggestions_office
from tests.view_helpers import COOKIE, location_path, sign_in

AUTHOR_ID = 987654  # no count, time or other id of the test comes near it
AUTHOR_IP = "10.9.8.7"
NEW = "/admin/suggestions/new"


@pytest.fixture
def office():
    return make_suggestions_office(author_id=AUTHOR_ID)


def _value(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def _snapshot():
    """{table: set of rows}, every row of every table the database has."""
    names = sorted(set(inspect(db.engine).get_table_names()) | {t.name for t in db.metadata.sorted_tables})
    found = {}
    with db.engine.connect() as connection:
        for name in names:
            result = connection.execute(text(f'SELECT * FROM "{name}"'))  # noqa: S608 (names from the catalogue)
            columns = tuple(result.keys())
            found[name] = {tuple(zip(columns, map(_value, row), strict=True)) for row in result}
    return found


def _added_or_changed(before, after):
    return {name: after[name] - before.get(name, set()) for name in after if after[name] - before.get(name, set())}


class Author:
    def __init__(self, user, client, app):
        self.id = user.id
        cookie = client.get_cookie(COOKIE)
        self.token = app.session_interface.get_signing_serializer(app).loads(cookie.value)["_user_id"]
        session_row = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
        self.session_id, self.token_hash = session_row.id, session_row.token_hash
        self.words = [user.username, user.full_name, self.token, self.token_hash, AUTHOR_IP]

    def traces_in(self, content):
        """What of the author this text holds: his id as a number of its own, or any of his words."""
        content = content if isinstance(content, str) else str(content)
        found = [word for word in self.words if word and word in content]
        if re.search(rf"(?<!\d){self.id}(?!\d)", content):
            found.append("id")
        return found


def _redis_texts(connection):
    """(key, every value under it as text) for every key in Redis; compressed values (RQ's job
    payloads) inflated first."""

    def as_text(raw):
        if isinstance(raw, bytes):
            with contextlib.suppress(zlib.error):
                raw = zlib.decompress(raw)
            return raw.decode("utf-8", errors="replace")
        return str(raw)

    for key in connection.keys("*"):
        kind = connection.type(key).decode()
        if kind == "string":
            values = [connection.get(key)]
        elif kind == "hash":
            values = [part for pair in connection.hgetall(key).items() for part in pair]
        elif kind == "list":
            values = connection.lrange(key, 0, -1)
        elif kind == "set":
            values = list(connection.smembers(key))
        elif kind == "zset":
            values = connection.zrange(key, 0, -1)
        else:
            values = []
        yield key.decode(), [as_text(value) for value in values]


def test_a_sent_suggestion_holds_nothing_that_leads_to_its_author(app, office, sockets, caplog):
    author_user, head = office["employee"], office["depthead"]
    assert author_user.id == AUTHOR_ID
    heard = sockets(sign_in(app, head, ip="10.1.1.1"))
    client = sign_in(app, author_user, ip=AUTHOR_IP)
    author = Author(author_user, client, app)
    # Long enough since his last request that any request touching the session would write it.
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    heard.sio.get_received()
    before = _snapshot()
    caplog.clear()

    with caplog.at_level(logging.INFO):
        token = csrf_token(client, NEW)
        response = client.post(
            NEW, data={"addressee": f"user:{head.id}", "body": "Fewer meetings on Fridays.", "csrf_token": token}
        )
        assert response.status_code == 302
        assert client.get(location_path(response)).status_code == 200

    changed = _added_or_changed(before, _snapshot())
    assert set(changed) >= {"suggestions", "notifications"}
    assert "change_log" not in changed and "user_sessions" not in changed and "login_attempts" not in changed
    for table, rows in changed.items():
        for row in rows:
            for column, value in row:
                where = f"{table}.{column} = {value!r}"
                if column.endswith("_id") and isinstance(value, int):
                    assert value != author.id, where
                    assert "session" not in column or value != author.session_id, where
                if isinstance(value, str):
                    assert author.traces_in(value) == [], where

    suggestion = db.session.scalars(select(Suggestion)).one()
    assert set(Suggestion.__table__.columns.keys()) == {
        "id", "addressee_id", "to_administrator", "body", "status", "sent_on", "answer", "answered_by_id", "answered_at"
    }  # fmt: skip
    for column in Suggestion.__table__.columns.keys():  # noqa: SIM118 (the names, not the columns)
        value = getattr(suggestion, column)
        if column != "id":
            assert value != author.id, column
        assert author.traces_in(value) == [], column
    notification = db.session.scalars(select(Notification)).one()
    assert notification.user_id == head.id and notification.params == {}
    assert (notification.created_at.minute, notification.created_at.second) == (0, 0)

    lines = [record for record in caplog.records if record.name == "kartoteka.request"]
    assert {(r.fields["method"], r.fields["path"]) for r in lines} >= {("GET", NEW), ("POST", NEW)}
    for record in caplog.records:
        fields = getattr(record, "fields", {}) or {}
        assert fields.get("user_id") is None and fields.get("ip") is None, record.getMessage()
        assert author.traces_in(record.getMessage()) == [], record.getMessage()
        assert author.traces_in(json.dumps(fields, default=str)) == [], fields

    keys = list(_redis_texts(queues.connection))
    assert any(key.startswith("suggestions:day:") for key, _values in keys)
    for key, values in keys:
        assert author.traces_in(key) == [], key
        if not key.endswith(":secret"):  # random bytes, which may hold any digits
            assert [trace for value in values for trace in author.traces_in(value)] == [], key

    events = heard.sio.get_received()
    assert [event["name"] for event in events] == ["notifications"]
    for event in events:
        assert author.traces_in(json.dumps(event["args"], default=str)) == [], event


def test_the_clusters_nginx_writes_no_access_line_for_the_section():
    from deploy import nginx_conf

    section = nginx_conf.NGINX_CONF.split("location /admin/suggestions/ {{", 1)[1].split("}}", 1)[0]
    assert "access_log off;" in section
