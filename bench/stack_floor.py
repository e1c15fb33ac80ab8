"""What the stack itself costs a request on this machine, before any Kartoteka code: the floor under
the load test's 200 requests/s target.

`bench/floor_app.py` (Flask, Flask-Babel, Flask-Admin's layout and its stock list, details and edit
views of a 20-row SQLite table; no login, no access policy, no PostgreSQL) is served by gunicorn as
a cluster web is (`-w 1 --threads`, `deploy/gunicorn.conf.py`), without nginx. Clients in this
process (threads, kept-alive HTTP) ask each path for --duration seconds. Printed per path: the
server process's CPU per request, the clients' CPU per request (they share the machine in the load
test too), the rate reached, and the ceiling of two such processes, one per core, with nothing else
running (2,000 ms ÷ server CPU).

200 requests/s on 2 cores leaves 10 ms of CPU per request for everything: web, PostgreSQL, Redis,
nginx and the load clients. A machine's speed can swing within the hour: compare its figures with a
load test run just before or after it.

    PYTHONPATH=. .venv/bin/python bench/stack_floor.py [--duration 20] [--clients 4]
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.load_test import children_of, cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 2 * 1000 / 200
PATHS = {
    "/plain": "Flask, a text route",
    "/json": "Flask + SQLAlchemy, 20 rows as JSON",
    "/admin/blank/": "Flask-Admin page, the layout only",
    "/admin/item/": "Flask-Admin stock list, 20 rows",
    "/admin/item/details/?id=1": "Flask-Admin stock details, 5 fields",
    "/admin/item/edit/?id=1": "Flask-Admin stock edit form, 5 fields",
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(port, threads, database):
    env = {**os.environ, "FLOOR_DATABASE": database, "PYTHONPATH": str(ROOT)}
    argv = [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "-w", "1",
            "--threads", str(threads), "-b", f"127.0.0.1:{port}", "--keep-alive", "30", "--log-level", "warning",
            "bench.floor_app:create_app()"]  # fmt: skip
    return subprocess.Popen(argv, cwd=ROOT, env=env)  # noqa: S603


def worker_pid(master):
    for _ in range(300):
        children = children_of(master.pid)
        if children:
            return children[0]
        time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def wait_ready(url):
    import requests

    for _ in range(300):
        try:
            if requests.get(f"{url}/plain", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} does not answer")


def drive(url, clients, duration):
    """Requests of `clients` threads for `duration` s; returns (requests, errors, seconds, client CPU s)."""
    import requests

    counts, errors, stop = [0] * clients, [0] * clients, time.perf_counter() + duration

    def loop(index):
        http = requests.Session()
        while time.perf_counter() < stop:
            if http.get(url, timeout=30).status_code != 200:
                errors[index] += 1
            counts[index] += 1
        http.close()

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    started, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts), sum(errors), time.perf_counter() - started, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        port = free_port()
        master = serve(port, args.threads, str(Path(scratch) / "floor.sqlite"))
        try:
            pid, url = worker_pid(master), f"http://127.0.0.1:{port}"
            wait_ready(url)
            print(f"budget at 200 requests/s on 2 cores: {BUDGET_MS:.1f} ms of CPU a request, all processes")
            print(f"{'path':<26} {'what':<38} {'req/s':>7} {'server CPU':>10} {'client CPU':>10} {'ceiling':>8}")
            for path, what in PATHS.items():
                drive(f"{url}{path}", args.clients, 2)
                before = cpu_seconds([pid])
                done, failed, seconds, client = drive(f"{url}{path}", args.clients, args.duration)
                server_ms = (cpu_seconds([pid]) - before) / done * 1000
                print(
                    f"{path:<26} {what:<38} {done / seconds:7.1f} {server_ms:8.2f}ms {client / done * 1000:8.2f}ms "
                    f"{2000 / server_ms:8.0f}" + (f"   {failed} errors" if failed else ""),
                    flush=True,
                )
        finally:
            master.terminate()
            master.wait(timeout=30)


if __name__ == "__main__":
    main()
