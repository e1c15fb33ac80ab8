"""Load test of a running cluster (`make cluster`) over real HTTP and Socket.IO, through nginx.

Signed-in users of several roles (owner, administrator, managers, agents, accountants) each run a
loop of what people do all day, with a short think time: the tracker page, column pages (JSON),
column counts, a card's page, archive filters, the task lists, the auto-tasks tab and (the owner)
the financial report. The owner and the administrator also move cards one stage on through the
modal's endpoint with the page's CSRF token, as the browser does; they and the managers open cards'
edit forms and save them with a changed note (a save refused because the card changed meanwhile is
counted apart, not as an error, and so is a move answered 409 because the card changed since the
column was read). Every user keeps a Socket.IO connection on his board room (the tracker page's
data-room: `board:cards:all` for who sees every card, his own `board:cards:viewer:<id>` otherwise);
every move must reach exactly the users whose scope shows the card: those who see every card and
the narrow ones among `services.platform.access.watchers_of` the card's people, as the app sends it, computed
from the database after the run ("lost" counts the misses among those expected deliveries, "leaked"
an event at a user whose scope does not show the card).

nginx's `ip_hash` sends all clients of one /24 to one web process, so each user's connections leave
from its own loopback address (127.0.N.1), chosen so that the users split evenly over the webs.

    flock /tmp/kartoteka-bench.lock .venv/bin/python bench/load_test.py \\
        --database-url postgresql+psycopg://…/kartoteka_bench_… --duration 300

The database URL is read only to learn the users, stages and filter values; the load goes through
--url (default http://127.0.0.1:8080). Targets: ≥ 200 requests/s sustained, p95 ≤ 150 ms, no
errors, every move delivered to the boards that show its card and to no other, web process RSS growth
< 10 %. Figures are printed, never asserted.
"""

import argparse
import multiprocessing
import os
import random
import statistics
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from bench.common import board_watchers, hears
from bench.load_clients import MIX, session_from, user_process

TARGET_RPS, TARGET_P95, TARGET_RSS = 200, 150, 0.10
ROLES = ("owner", "administrator", "manager", "agent", "accountant")
RUN_DIR = Path(__file__).resolve().parent.parent / "instance" / "cluster"


# ---------------------------------------------------------------------------------------- set-up


def plan(database_url, users, seed):
    """Users by role, the stages with a valid move each, and filter values, read from the database."""
    from bench.generate_cards import bench_app
    from seeds.demo_cards import sample_values

    app = bench_app(database_url)
    with app.app_context():
        from extensions import db
        from services.cards.board import cards_pipeline

        rows = db.session.execute(
            sa.text(
                "SELECT u.username, r.code FROM users u JOIN roles r ON r.id = u.role_id "
                "WHERE u.deleted_at IS NULL AND NOT u.is_blocked ORDER BY u.id"
            )
        ).all()
        by_role = {role: [name for name, code in rows if code == role] for role in ROLES}
        board = cards_pipeline()
        today = date.today()
        stages = [
            {"id": s.id, "to": s.allowed_targets[0].id, "values": sample_values(s, today)}
            for s in board.stages
            if not s.is_final and s.allowed_targets
        ]
        banks = list(db.session.scalars(sa.text("SELECT id FROM banks ORDER BY id")))
        suppliers = list(db.session.scalars(sa.text("SELECT id FROM contractors ORDER BY id")))
        agent_ids = list(db.session.scalars(sa.text(
            "SELECT u.id FROM users u JOIN roles r ON r.id = u.role_id WHERE r.code = 'agent' ORDER BY u.id"
        )))  # fmt: skip
        contacts = list(db.session.scalars(sa.text("SELECT contact_name FROM cards ORDER BY id DESC LIMIT 200")))
        db.session.remove()
        db.engine.dispose()  # the app stays for board_watchers after the run
    # The owner and the administrator move cards (they may move any); the rest read.
    wanted = ["owner", "administrator"] + ["manager", "agent", "agent", "accountant", "manager", "agent"] * users
    people, taken = [], dict.fromkeys(ROLES, 0)
    for role in wanted:
        if len(people) == users:
            break
        names = by_role.get(role) or []
        if not names or (role in ("owner", "administrator") and taken[role]):
            continue
        people.append((names[taken[role] % len(names)], role))
        taken[role] += 1
    words = sorted({part for name in contacts if name for part in name.split()[:2]})
    return {
        "app": app,
        "people": people,
        "stages": stages,
        "banks": banks,
        "suppliers": suppliers,
        "agents": agent_ids,
        "contacts": random.Random(seed).sample(words, min(30, len(words))) or ["Іван"],
    }


def upstream_of(url, source):
    """Which web process nginx's ip_hash gives a client from `source` (the X-Upstream header)."""
    import requests

    http = session_from(source)
    try:
        return http.get(f"{url}/healthz", timeout=10).headers.get("X-Upstream")
    except requests.RequestException:
        return None
    finally:
        http.close()


def spread_sources(url, count):
    """`count` loopback source addresses, dealt out evenly over the upstreams."""
    buckets = {}
    for n in range(1, 250):
        address = f"127.0.{n}.1"
        buckets.setdefault(upstream_of(url, address) or "?", []).append(address)
        if len(buckets) > 1 and all(len(b) >= count for b in buckets.values()):
            break
    lists = list(buckets.values())
    return [lists[i % len(lists)][i // len(lists)] for i in range(count)], {k: len(v) for k, v in buckets.items()}


# ------------------------------------------------------------------------------ measurement


def children_of(pid):
    """The pids of a process's children ([] once it has gone)."""
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def web_rss(run_dir):
    """RSS (kB) of each gunicorn worker process of the cluster (the children of the web masters)."""
    result = {}
    for pid_file in sorted(run_dir.glob("web*.pid")):
        for child in children_of(pid_file.read_text().strip()):
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    result[f"{pid_file.stem}:{child}"] = int(line.split()[1])
    return result


def cpu_seconds(pids):
    """User + system CPU seconds used so far by these processes."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def cpu_by_kind(run_dir):
    """CPU seconds so far of the web processes and of PostgreSQL: its live processes, plus what the
    backends that have ended used (the postmaster's children's time), so that connections opened and
    closed during the run are counted too."""
    webs = [key.split(":")[1] for key in web_rss(run_dir)]
    postgres = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _comm(p) == "postgres"]
    ended = sum(_children_seconds(p) for p in postgres if _comm(Path(f"/proc/{_parent(p)}")) != "postgres")
    return {
        "web": cpu_seconds(webs),
        "postgres": cpu_seconds(p.name for p in postgres) + ended,
        "machine": _machine_busy(),
    }


def _stat_fields(proc):
    try:
        return (proc / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _parent(proc):
    fields = _stat_fields(proc)
    return fields[1] if fields else "0"


def _children_seconds(proc):
    """CPU seconds of the process's children that have ended (cutime + cstime)."""
    fields = _stat_fields(proc)
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def _comm(proc):
    try:
        return (proc / "comm").read_text().strip()
    except OSError:
        return ""


def _machine_busy():
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def deliveries(users, sent, watchers):
    """Each move of `sent` ((card id, version) → when its POST was sent) against each user's board:
    expected where his room hears of the card (`watchers`: card id → bench.common.board_watchers),
    then received (its latency, ms) or lost; received where not expected is a leak."""
    expected, lost, leaked, latencies = 0, 0, 0, []
    for u in users:
        got = {(s, v): at for at, s, v in u["receipts"]}
        for key, at in sent.items():
            if not hears(u["room"], watchers[key[0]]):
                leaked += key in got
            elif key in got:
                expected += 1
                latencies.append((got[key] - at) * 1000)
            else:
                expected += 1
                lost += 1
    return {"expected": expected, "lost": lost, "leaked": leaked, "latencies": latencies}


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))] if values else float("nan")


def verdict(ok):
    return "OK" if ok else "MISSED"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--database-url", required=True, help="the cluster's database (read once, for the plan)")
    parser.add_argument("--password", default="bench-password")
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--think", type=float, default=0.12, help="mean seconds between a user's requests")
    parser.add_argument("--duration", type=float, default=300)
    parser.add_argument("--warmup", type=float, default=20, help="seconds at the start not measured")
    parser.add_argument("--grace", type=float, default=5, help="seconds to wait for the last events")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--run-dir", default=str(RUN_DIR), help="the cluster's run dir (pid files, for RSS)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from config import normalize_database_url

    shared = plan(normalize_database_url(args.database_url), args.users, args.seed)
    sources, spread = spread_sources(args.url, len(shared["people"]))
    people = [(name, role, source) for (name, role), source in zip(shared["people"], sources, strict=True)]
    print(f"{len(people)} users: " + ", ".join(f"{r} ×{sum(p[1] == r for p in people)}" for r in ROLES), flush=True)
    print(f"loopback sources per web process (ip_hash): {spread}", flush=True)

    context = multiprocessing.get_context("spawn")
    ready, results = context.Queue(), context.Queue()
    gos = [context.Queue() for _ in range(args.processes)]
    shared_plain = {k: shared[k] for k in ("stages", "banks", "suppliers", "agents", "contacts")}
    processes = []
    for n in range(args.processes):
        share = people[n :: args.processes]
        process = context.Process(
            target=user_process, args=(args, dict(shared_plain), share, n * 10_000, ready, gos[n], results)
        )
        process.start()
        processes.append(process)
    connected = sum(ready.get(timeout=300) for _ in processes)
    print(f"{connected} users signed in with a board socket each", flush=True)

    run_dir = Path(args.run_dir)
    start_at = time.monotonic() + 1
    for go in gos:
        go.put(start_at)
    time.sleep(max(0, start_at + args.warmup - time.monotonic()))
    rss_start, cpu_start = web_rss(run_dir), cpu_by_kind(run_dir)
    clients_start = cpu_seconds(str(p.pid) for p in processes)
    load_start = time.time()
    time.sleep(max(0, start_at + args.duration - time.monotonic()))
    rss_end, cpu_end = web_rss(run_dir), cpu_by_kind(run_dir)
    clients_cpu = cpu_seconds(str(p.pid) for p in processes) - clients_start
    users = [u for _ in processes for u in results.get(timeout=600)]
    for process in processes:
        process.join(timeout=60)

    samples = [s for u in users for s in u["samples"]]
    errors = [e for u in users for e in u["errors"]]
    measured = args.duration - args.warmup
    rps = len(samples) / measured
    p50, p95, p99 = (pct([s[1] for s in samples], q) for q in (0.5, 0.95, 0.99))

    moves = [m for u in users for m in u["moves"] if m[2] >= start_at + 0]
    sent = {(card_id, version): at for card_id, version, at in moves}
    board = deliveries(users, sent, board_watchers(shared["app"], {card_id for card_id, _version in sent}))
    lost, leaked, delivery = board["lost"], board["leaked"], board["latencies"]
    growth = {k: (rss_end.get(k, v) - v) / v for k, v in rss_start.items()}

    print(f"\nload: {args.duration:.0f} s ({args.warmup:.0f} s warm-up not measured), {connected} users, "
          f"think {args.think} s, load started {time.ctime(load_start)}")  # fmt: skip
    print(f"{'requests/s sustained':<40} {rps:8.1f}        target ≥ {TARGET_RPS}   {verdict(rps >= TARGET_RPS)}")
    print(f"{'latency p50 / p95 / p99 (ms)':<40} {p50:6.1f} / {p95:6.1f} / {p99:6.1f}   target p95 ≤ {TARGET_P95}   "
          f"{verdict(p95 <= TARGET_P95)}")  # fmt: skip
    print(f"{'errors (4xx/5xx/connection)':<40} {len(errors):8d}        target 0   {verdict(not errors)}")
    seeing_all = sum(u["room"].endswith(":all") for u in users)
    print(f"{'moves / board deliveries expected':<40} {len(sent):8d} / {board['expected']}   (the boards that show "
          f"the card, of {len(sent) * len(users)}; {seeing_all} of {len(users)} users see every card)")  # fmt: skip
    conflicts = {kind: sum(u["conflicts"][kind] for u in users) for kind in ("edit", "move")}
    edits = sum(s[0] == "edit" for s in samples)
    print(f"{'card edits saved / refused as stale':<40} {edits - conflicts['edit']:8d} / {conflicts['edit']}")
    print(f"{'moves refused as stale (409, not errors)':<40} {conflicts['move']:8d}")
    print(f"{'deliveries lost':<40} {lost:8d}        target 0   {verdict(lost == 0)}")
    print(f"{'deliveries leaked (out of scope)':<40} {leaked:8d}        target 0   {verdict(leaked == 0)}")
    if delivery:
        print(
            f"{'move POST sent → event at a board, ms':<40} p50 {pct(delivery, 0.5):.1f}  p95 {pct(delivery, 0.95):.1f}"
        )
    for key in sorted(rss_start):
        print(f"{'RSS ' + key:<40} {rss_start[key] / 1024:6.1f} → {rss_end.get(key, 0) / 1024:6.1f} MB "
              f"({growth[key] * 100:+.1f} %)   target < {TARGET_RSS * 100:.0f} %   {verdict(growth[key] < TARGET_RSS)}")  # fmt: skip
    cpu = {kind: cpu_end[kind] - cpu_start[kind] for kind in cpu_start}
    print(f"{'CPU per request (ms): webs / PostgreSQL':<40} {cpu['web'] / len(samples) * 1000:6.1f} / "
          f"{cpu['postgres'] / len(samples) * 1000:6.1f}; machine busy {cpu['machine'] / measured * 100:.0f} % "
          f"of one core (of {os.cpu_count()})")  # fmt: skip
    print(f"{'CPU per request (ms): these clients':<40} {clients_cpu / len(samples) * 1000:6.1f}")
    print(f"{'sockets still connected at the end':<40} {sum(u['socket'] for u in users)} of {len(users)}")
    print("\nper action:  n   p50   p95   (ms)")
    for action, _ in MIX:
        values = [s[1] for s in samples if s[0] == action]
        if values:
            print(f"  {action:<12} {len(values):7d} {statistics.median(values):6.1f} {pct(values, 0.95):6.1f}")
    if errors:
        counted = {}
        for action, what in errors:
            counted[(action, what)] = counted.get((action, what), 0) + 1
        print("errors: " + ", ".join(f"{a} {w} ×{n}" for (a, w), n in sorted(counted.items(), key=str)))


if __name__ == "__main__":
    main()
