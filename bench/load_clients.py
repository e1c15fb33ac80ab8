"""Simulated panel users for the load test: a signed-in HTTP session, a board socket, the action mix."""

import random
import re
import socket
import threading
import time
from datetime import date, timedelta
from html.parser import HTMLParser

from bench.lean_http import LeanHTTP

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
ROOM = re.compile(r'data-room="([^"]+)"')
# (action, weight): what a user of the panel does, roughly as often as he does it.
MIX = [
    ("tracker", 8), ("column", 30), ("counts", 10), ("card", 12), ("archive", 12),
    ("tasks", 8), ("auto_tasks", 6), ("finance", 3), ("move", 6), ("edit", 4),
]  # fmt: skip
EDITORS = ("owner", "administrator", "manager")  # the roles with cards.edit


class FormFields(HTMLParser):
    """What a browser would submit of the page's form that holds `marker`: inputs, selects, textareas."""

    def __init__(self, marker):
        super().__init__()
        self.marker, self.forms, self.select, self.textarea = marker, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self.forms.append({})
        elif not self.forms:
            return
        elif tag == "input" and name and attrs.get("type") != "submit":
            self.forms[-1][name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self.select = name
            self.forms[-1].setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.forms[-1][self.select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self.textarea = name
            self.forms[-1][name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.forms:
            self.forms[-1][self.textarea] += data

    def fields(self, page):
        self.feed(page)
        return next((form for form in self.forms if self.marker in form), None)


def session_from(source):
    import requests
    from requests.adapters import HTTPAdapter

    class SourceAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs["source_address"] = (source, 0)
            return super().init_poolmanager(*args, **kwargs)

    http = requests.Session()
    http.mount("http://", SourceAdapter(pool_connections=4, pool_maxsize=4))
    return http


# -------------------------------------------------------------------------------- one user


class User:
    def __init__(self, index, username, role, source, args, shared):
        self.index, self.username, self.role, self.source = index, username, role, source
        self.args, self.shared, self.url = args, shared, args.url
        self.rng = random.Random(args.seed * 1000 + index)
        self.http = LeanHTTP(args.url, source)
        self.samples, self.errors, self.moves, self.receipts = [], [], [], []
        # Saves refused because the card changed since this user read it (another's move or edit):
        # the optimistic lock at work, answered as the browser would be ("reload"), not an error.
        self.conflicts = {"edit": 0, "move": 0}
        self.cards = []  # (card_id, stage_id, version) seen on this user's column pages
        self.moved = set()
        self.socket = None

    def sign_in(self, password):
        token = CSRF_FIELD.search(self.http.get(f"{self.url}/login").text).group(1)
        response = self.http.post(
            f"{self.url}/login",
            data={"username": self.username, "password": password, "csrf_token": token},
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"cannot sign in as {self.username}: HTTP {response.status_code}")
        page = self.http.get(f"{self.url}/admin/tracker/").text
        self.csrf = CSRF_META.search(page).group(1)
        self.room = ROOM.search(page).group(1)

    def connect_socket(self):
        import socketio

        raw = socket.create_connection(("127.0.0.1", int(self.url.rsplit(":", 1)[1])), source_address=(self.source, 0))
        # The engine.io client hands this to websocket-client: the socket leaves from our source address.
        client = socketio.Client(reconnection=False, websocket_extra_options={"socket": raw})

        def on_changed(data):
            self.receipts.append((time.monotonic(), data.get("subject_id"), data.get("version")))

        client.on("board_changed", on_changed)
        # No Origin header of ours: websocket-client sends the URL's origin itself (a second one would
        # reach the server joined to it, "a,b", and the origin check refuses that).
        client.connect(
            self.url,
            headers={"Cookie": self.http.cookie_header()},
            transports=["websocket"],
            wait_timeout=30,
        )
        reply = client.call("join", {"room": self.room}, timeout=30)
        if not reply or not reply.get("ok"):
            raise RuntimeError(f"{self.username} could not join {self.room}: {reply}")
        self.socket = client

    def get(self, action, path, **params):
        return self.request(action, "GET", path, params=params)

    def request(self, action, method, path, **kwargs):
        started = time.monotonic()
        try:
            response = self.http.request(method, f"{self.url}{path}", timeout=30, allow_redirects=False, **kwargs)
        except Exception as error:  # a refused or dropped connection is an error like a 5xx
            self.errors.append((action, type(error).__name__))
            return None
        elapsed = (time.monotonic() - started) * 1000
        if started >= self.shared["measure_from"]:
            self.samples.append((action, elapsed, started))
        if action == "move" and response.status_code == 409:  # stale, in the warm-up too: not an error
            if started >= self.shared["measure_from"]:
                self.conflicts["move"] += 1
        elif response.status_code >= 400 or (response.status_code >= 300 and action not in ("move", "edit")):
            self.errors.append((action, response.status_code))
        return response

    # -- the actions

    def tracker(self):
        self.get("tracker", "/admin/tracker/")

    def column(self):
        stage = self.rng.choice(self.shared["stages"])
        response = self.get("column", f"/admin/tracker/column/{stage['id']}")
        if response is not None and response.status_code == 200:
            rows = response.json()["rows"]
            self.cards = [(r["subject_id"], stage["id"], r["version"]) for r in rows] + self.cards[:200]

    def counts(self):
        self.get("counts", "/admin/tracker/counts")

    def card(self):
        if not self.cards:
            return self.column()
        card_id = self.rng.choice(self.cards)[0]
        self.get("card", "/admin/cards/details/", id=card_id)

    def edit(self):
        """Open a card's edit form and save it with a changed note, as a manager does."""
        if self.role not in EDITORS or not self.cards:
            return self.card()
        card_id = self.rng.choice(self.cards)[0]
        page = self.get("card", "/admin/cards/edit/", id=card_id)
        if page is None or page.status_code != 200:
            return
        data = FormFields("lock_version").fields(page.text)
        if data is None:
            self.errors.append(("edit", "no form"))
            return
        data["notes"] = f"checked by {self.username} at {time.strftime('%H:%M:%S')}"
        response = self.request("edit", "POST", page.url.replace(self.url, "", 1), data=data)
        if response is not None and response.status_code == 200 and time.monotonic() >= self.shared["measure_from"]:
            self.conflicts["edit"] += 1  # the form came back with the "changed by someone else" message

    def archive(self):
        shared, rng = self.shared, self.rng
        choice = rng.choice(["contact", "bank", "supplier", "agent", "number"])
        value = {
            "contact": lambda: rng.choice(shared["contacts"]),
            "bank": lambda: rng.choice(shared["banks"]),
            "supplier": lambda: rng.choice(shared["suppliers"]),
            "agent": lambda: rng.choice(shared["agents"]),
            "number": lambda: str(rng.randint(4000, 5599)),
        }[choice]()
        self.get("archive", "/admin/cards/", tab="archive", **{choice: value})

    def tasks(self):
        self.get("tasks", "/admin/tasks/", tab=self.rng.choice(["incoming", "outgoing"]))

    def auto_tasks(self):
        self.get("auto_tasks", "/admin/tasks/auto/")

    def finance(self):
        if self.role != "owner":
            return self.column()
        end = date.today() - timedelta(days=self.rng.randint(0, 365))
        start = end - timedelta(days=self.rng.choice([7, 30, 90, 365]))
        self.get("finance", "/admin/reports/finance/", **{"from": start.isoformat(), "to": end.isoformat()})

    def move(self):
        if self.role not in ("owner", "administrator"):
            return self.column()
        parity = 0 if self.role == "owner" else 1  # the two movers never race for one card
        candidates = [c for c in self.cards if c[0] % 2 == parity and c[0] not in self.moved]
        if not candidates:
            return self.column()
        card_id, stage_id, version = self.rng.choice(candidates)
        stage = next(s for s in self.shared["stages"] if s["id"] == stage_id)
        self.moved.add(card_id)
        data = {f"field.{name}": value for name, value in stage["values"].items()}
        data.update(to_stage=stage["to"], version=version, csrf_token=self.csrf)
        sent = time.monotonic()
        response = self.request(
            "move", "POST", f"/admin/tracker/{card_id}/move", data=data, headers={"X-CSRFToken": self.csrf}
        )
        if response is not None and response.status_code == 200:
            self.moves.append((card_id, response.json()["version"], sent))

    def run(self):
        actions = [name for name, _ in MIX]
        weights = [weight for _, weight in MIX]
        stop_at = self.shared["stop_at"]
        while time.monotonic() < stop_at:
            getattr(self, self.rng.choices(actions, weights)[0])()
            time.sleep(self.rng.expovariate(1 / self.args.think))


def user_process(args, shared, people, first_index, ready, go, results):
    users = [User(first_index + i, name, role, source, args, shared) for i, (name, role, source) in enumerate(people)]
    for user in users:
        user.sign_in(args.password)
        user.connect_socket()
    ready.put(len(users))
    start_at = go.get()
    shared.update(stop_at=start_at + args.duration, measure_from=start_at + args.warmup)
    threads = [threading.Thread(target=user.run, daemon=True) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    time.sleep(args.grace)  # the last moves' events are still on their way
    results.put(
        [
            {
                "samples": u.samples,
                "errors": u.errors,
                "moves": u.moves,
                "conflicts": u.conflicts,
                "receipts": u.receipts,
                "socket": u.socket.connected,
                "source": u.source,
                "room": u.room,
            }
            for u in users
        ]
    )
    for user in users:
        user.socket.disconnect()
