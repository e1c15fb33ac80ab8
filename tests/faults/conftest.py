"""Fault drills: mini-clusters of real processes (deploy/cluster.py) on spare ports, on this test
run's own database and Redis db number (tests/conftest.py makes and removes them), with the demo
data. Run by `make faults`; `make test` leaves them out (marker `faults`)."""

import contextlib
import random
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest

from deploy.cluster import Cluster
from tests.conftest import SERVICES_MODE

PASSWORD = "kartoteka"  # the demo users' password
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
ROOM = re.compile(r'data-room="([^"]+)"')

needs_services = pytest.mark.skipif(not SERVICES_MODE, reason="fault drills need the real PostgreSQL and Redis")


def wait_for(condition, timeout=30, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


def free_ports(count):
    """The first of `count` consecutive free loopback ports."""
    for _ in range(200):
        base = random.randint(20000, 40000)  # noqa: S311
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports")


@pytest.fixture
def demo(app, db):
    """The demo users, org tree and cards in the test database."""
    from seeds.demo import load_demo

    load_demo()
    db.session.commit()
    db.session.remove()


@pytest.fixture
def make_cluster(app, db, tmp_path):
    """Start a cluster on the test run's database and Redis; stopped (exactly its own processes) after."""
    started = []

    def _make(redis_url=None, **options):
        cluster = Cluster(
            run_dir=tmp_path / f"cluster{len(started)}",
            database_url=app.config["SQLALCHEMY_DATABASE_URI"],
            redis_url=redis_url or app.config["REDIS_URL"],
            port=free_ports(1 + options.get("webs", 2)),
            **{"threads": 32, "workers": 0, "schedulers": 0, **options},
        )
        started.append(cluster)
        cluster.start(seed=False)
        return cluster

    yield _make
    for cluster in reversed(started):
        cluster.stop()
    db.session.remove()


def session_from(source="127.0.0.1"):
    from bench.load_test import session_from as make

    return make(source)


class Browser:
    """A signed-in user: an HTTP session from one loopback address and (optionally) a board socket."""

    def __init__(self, url, username, source="127.0.0.1", page="/admin/tracker/"):
        self.url, self.username, self.source = url, username, source
        self.http = session_from(source)
        token = CSRF_FIELD.search(self.http.get(f"{url}/login").text).group(1)
        response = self.http.post(
            f"{url}/login",
            data={"username": username, "password": PASSWORD, "csrf_token": token},
            allow_redirects=False,
        )
        assert response.status_code == 302, f"{username} could not sign in: {response.status_code}"
        page = self.http.get(f"{url}{page}")
        assert page.status_code == 200, f"{username} could not open {page.url}: {page.status_code}"
        self.upstream = page.headers.get("X-Upstream")
        self.csrf = CSRF_META.search(page.text).group(1)
        room = ROOM.search(page.text)
        self.room = room.group(1) if room else None
        self.events = []
        self.heard = []  # (event, data) of the events named in connect_board's `listen`
        self.socket = None

    def connect_board(self, reconnection=False, room=None, listen=()):
        """A socket in the page's board room (or `room`); board events go to `events`, those named in
        `listen` to `heard`."""
        import socketio

        port = int(self.url.rsplit(":", 1)[1])
        raw = socket.create_connection(("127.0.0.1", port), source_address=(self.source, 0))
        client = socketio.Client(
            reconnection=reconnection, reconnection_delay=0.2, websocket_extra_options={"socket": raw}
        )
        client.on("board_changed", lambda data: self.events.append(data))
        for name in listen:
            client.on(name, lambda data, name=name: self.heard.append((name, data)))
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        client.connect(self.url, headers={"Cookie": cookie}, transports=["websocket"])
        assert client.call("join", {"room": room or self.room}, timeout=10)["ok"]
        self.socket = client
        return client

    def heard_of(self, name):
        return [data for event, data in self.heard if event == name]

    def got(self, card_id, version):
        return any(e.get("subject_id") == card_id and e.get("version") == version for e in self.events)

    def move(self, card_id, form=None):
        """Move the card one stage on through the modal's endpoint, as the browser does (`form`:
        from move_form, made beforehand where no app context is at hand)."""
        data = dict(form or move_form(card_id), csrf_token=self.csrf)
        return self.http.post(
            f"{self.url}/admin/tracker/{card_id}/move",
            data=data,
            headers={"X-CSRFToken": self.csrf},
            timeout=30,
        )

    def close(self):
        if self.socket is not None:
            with contextlib.suppress(Exception):
                self.socket.disconnect()
        self.http.close()


def move_form(card_id):
    """The modal's fields for moving the card one stage on, filled as a person would."""
    from datetime import date

    from extensions import db
    from models.cards.card import Card
    from seeds.demo_cards import sample_values

    db.session.remove()
    card = db.session.get(Card, card_id)
    data = {f"field.{k}": v for k, v in sample_values(card.stage, date.today()).items()}
    data.update(to_stage=card.stage.allowed_targets[0].id, version=card.version)
    db.session.remove()
    return data


def sources_per_upstream(url):
    """One loopback source address that nginx's ip_hash sends to each web process."""
    found = {}
    for n in range(1, 64):
        source = f"127.0.{n}.1"
        with session_from(source) as http:
            upstream = http.get(f"{url}/healthz", timeout=10).headers["X-Upstream"]
        found.setdefault(upstream, source)
        if len(found) == 2:
            break
    return found


def movable_cards(count):
    """Cards on a stage with a next stage, whose stage fields the demo sampler can fill."""
    from sqlalchemy import select

    from extensions import db
    from models.cards.card import Card
    from models.pipeline import Stage

    db.session.remove()
    ids = db.session.scalars(
        select(Card.id)
        .join(Stage, Stage.id == Card.stage_id)
        .where(Stage.is_final.is_(False), Card.deleted_at.is_(None))
        .order_by(Card.id)
    ).all()
    db.session.remove()
    assert len(ids) >= count, f"only {len(ids)} movable demo cards"
    return ids[:count]


def cards_with_two_open_tasks():
    from sqlalchemy import text

    from extensions import db

    db.session.remove()
    rows = db.session.execute(
        text(
            "SELECT subject_id, count(*) FROM stage_tasks WHERE closed_at IS NULL AND subject_type = 'card' "
            "GROUP BY subject_id HAVING count(*) > 1"
        )
    ).all()
    db.session.remove()
    return rows


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of this test alone (append-only file, fsync always), so restarting it
    disturbs nobody else. Yields a controller with url, stop() and start()."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_ports(1)
    directory = tmp_path / "redis"
    directory.mkdir()

    class Server:
        url = f"redis://127.0.0.1:{port}/1"
        process = None

        def start(self):
            self.process = subprocess.Popen(  # noqa: S603
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory), "--save", "",
                 "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no"],
                stdout=(directory / "redis.log").open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            assert wait_for(self.answers, 20), "the private redis-server did not start"

        def answers(self):
            from redis import Redis

            try:
                return Redis(port=port, socket_timeout=1).ping()
            except Exception:
                return False

        def stop(self):
            if self.process and self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)  # writes and closes its append-only file
                self.process.wait(timeout=30)

    server = Server()
    server.start()
    yield server
    server.stop()
