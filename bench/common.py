"""Shared bench helpers: a throwaway database, timing, and printing against a target."""

import re
import socket
import statistics
import time
import uuid

import sqlalchemy as sa

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


def make_database(server_url):
    """A fresh PostgreSQL database on `server_url`; returns (url, drop)."""
    from tests.services_setup import create_database, drop_database

    name = f"kartoteka_bench_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name)
    return url, lambda: drop_database(server_url, name)


def timed(func, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"p50": statistics.median(samples), "p95": samples[int(len(samples) * 0.95) - 1], "n": repeat}


def report(name, result, target_ms=None, baseline=None):
    line = f"{name:<44} p50 {result['p50']:8.2f} ms   p95 {result['p95']:8.2f} ms"
    if target_ms is not None:
        line += f"   target p95 ≤ {target_ms} ms {'OK' if result['p95'] <= target_ms else 'MISSED'}"
    if baseline is not None:
        line += f"   baseline p95 {baseline['p95']:.2f} ms ({baseline['p95'] / max(result['p95'], 1e-6):.1f}×)"
    print(line, flush=True)


def engine(url):
    return sa.create_engine(url, pool_pre_ping=True)


def board_watchers(app, card_ids):
    """card id → the ids of the narrow-scope people whose boards hear of its moves, as the app sends
    them (realtime.notify.subject_moved): services.platform.access.watchers_of the card's people. A move keeps
    the card's people (the benches' modal values name nobody), so this holds before and after it."""
    from extensions import db
    from models.cards.card import Card
    from services.platform import access

    with app.app_context():
        watchers = {
            card_id: access.watchers_of(db.session.get(Card, card_id).scope_people_ids()) for card_id in card_ids
        }
        db.session.remove()
    return watchers


def hears(room, watchers):
    """Whether a client on the board room `room` (its tracker page's data-room) should get a move of a
    card with these watchers: who sees every card does; a narrow viewer (his own room) if he is one."""
    return room.endswith(":all") or int(room.rsplit(":", 1)[1]) in watchers


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentiles(samples):
    samples = sorted(samples)
    return {"p50": statistics.median(samples), "p95": samples[max(int(len(samples) * 0.95) - 1, 0)], "n": len(samples)}


def signed_in(base_url, username, password):
    """A requests session signed in through the real form (as a browser does)."""
    import requests

    http = requests.Session()
    token = CSRF_FIELD.search(http.get(f"{base_url}/login").text).group(1)
    response = http.post(
        f"{base_url}/login",
        data={"username": username, "password": password, "csrf_token": token},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"cannot sign in as {username}: HTTP {response.status_code}")
    return http


def cookie_header(http):
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)
