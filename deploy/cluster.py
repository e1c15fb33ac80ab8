"""A production-shaped cluster on this machine, against its PostgreSQL and Redis:

    nginx (ip_hash, WebSocket upgrade, static files)  →  web A, web B  (gunicorn -w 1 --threads N)
    2 × `flask worker`, 1 × `flask scheduler`; Socket.IO events shared through Redis.

Everything it makes lives under one run directory (default instance/cluster/): the generated
nginx.conf, pid files, logs and a generated SECRET_KEY and DATA_ENCRYPTION_KEY. `stop` ends exactly the processes whose pid
files it wrote (checked against a marker in their environment, so a reused pid is never hit).

    python -m deploy.cluster start        # make cluster
    python -m deploy.cluster stop         # make cluster-stop
    python -m deploy.cluster status

Settings (environment): CLUSTER_PORT (nginx, 8080; the webs take the next ports), CLUSTER_THREADS
(100), CLUSTER_DATABASE_URL (default: database `kartoteka_cluster` on CLUSTER_PG_SERVER, created,
migrated and seeded with the demo data when empty), CLUSTER_REDIS_URL (redis://127.0.0.1:6379/12),
CLUSTER_RUN_DIR. The fault tests use the same class on spare ports with their own database.
"""

import argparse
import base64
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from deploy import nginx_conf

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
MARKER = "KARTOTEKA_CLUSTER_RUN"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"
REDIS_CLAIM_KEY = "kartoteka:test-run-claim"  # the same registry the test runs use (tests/services_setup.py)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _ours(pid, run_dir):
    """The process is alive and was started by this run directory (not a reused pid): the marker is
    in its environment, or (nginx rewrites that memory for its process title) its command line."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return f"{MARKER}={run_dir}".encode() in environ.split(b"\0") or f"-p {run_dir} ".encode() in cmdline


def ensure_database(database_url):
    """Create the database when missing; returns True when it was created."""
    url = sa.engine.make_url(database_url)
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            if connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}):
                return False
            connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
            return True
    finally:
        server.dispose()


@dataclass
class Cluster:
    run_dir: Path
    database_url: str
    redis_url: str
    port: int = 8080
    webs: int = 2
    threads: int = 100
    workers: int = 2
    schedulers: int = 1
    env_extra: dict = field(default_factory=dict)

    @property
    def web_ports(self):
        return [self.port + 1 + i for i in range(self.webs)]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def _kept_secret(self, file_name, make):
        """A secret every process of the cluster shares, made once per run directory."""
        path = self.run_dir / file_name
        if not path.exists():
            path.write_text(make())
            path.chmod(0o600)
        return path.read_text().strip()

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "TEST_"))}
        secrets_made = {
            name: self._kept_secret(name.lower(), make)
            for name, make in (
                ("SECRET_KEY", lambda: secrets.token_urlsafe(48)),
                ("DATA_ENCRYPTION_KEY", lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()),
            )
        }
        env.update(
            {
                MARKER: str(self.run_dir),
                "PYTHONPATH": str(ROOT),
                "FLASK_APP": "app:create_app",
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                **secrets_made,
                "KARTOTEKA_INSTANCE": str(self.run_dir / "instance"),
                "KARTOTEKA_EMBEDDED_WORKERS": "0",
                "TRUSTED_PROXIES": "1",
                # No overflow: an overflow connection is closed when handed back, so under load
                # each overflow request would start a new PostgreSQL backend.
                "DATABASE_POOL_SIZE": str(min(self.threads, 20)),
                "DATABASE_MAX_OVERFLOW": "0",
            }
        )
        env.update(self.env_extra)
        return env

    # ------------------------------------------------------------------ processes

    def _pid_file(self, name):
        return self.run_dir / f"{name}.pid"

    def spawn(self, name, argv):
        log = (self.run_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 - our own programs with fixed arguments
            argv, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self._pid_file(name).write_text(f"{process.pid}\n")
        return process.pid

    def pid(self, name):
        try:
            pid = int(self._pid_file(name).read_text())
        except (OSError, ValueError):
            return None
        return pid if _ours(pid, self.run_dir) else None

    def names(self):
        return sorted(path.stem for path in self.run_dir.glob("*.pid") if path.stem != "nginx")

    def flask(self, *args, check=True):
        return subprocess.run(  # noqa: S603
            [str(BIN / "flask"), *args], cwd=ROOT, env=self.env(), check=check, capture_output=True, text=True
        )

    def prepare(self, seed=True):
        ensure_database(self.database_url)
        self.flask("db", "upgrade")
        self.flask("seed-reference")
        if seed:
            return self.flask("seed-demo", "--if-empty").stdout
        return ""

    def write_nginx_conf(self):
        (self.run_dir / "nginx-tmp").mkdir(exist_ok=True)
        path = self.run_dir / "nginx.conf"
        path.write_text(nginx_conf.render(self.run_dir, self.port, self.web_ports, ROOT))
        return path

    def start_web(self, index):
        port = self.web_ports[index]
        return self.spawn(
            f"web{index + 1}",
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "-w", "1", "--threads", str(self.threads),
             "-b", f"127.0.0.1:{port}",
             "--timeout", "60", "--graceful-timeout", "10", "--keep-alive", "30",
             "--control-socket", str(self.run_dir / f"web{index + 1}.ctl"), "app:create_app()"],
        )  # fmt: skip

    def start_nginx(self):
        conf = self.write_nginx_conf()
        argv = [NGINX, "-p", str(self.run_dir), "-c", str(conf), "-e", str(self.run_dir / "nginx-error.log")]
        subprocess.run([*argv, "-t", "-q"], check=True)  # noqa: S603
        return self.spawn("nginx", [*argv, "-g", "daemon off;"])

    def start(self, seed=True):
        self.run_dir.mkdir(parents=True, exist_ok=True)
        running = [name for name in [*self.names(), "nginx"] if self.pid(name)]
        if running:
            raise SystemExit(f"already running from {self.run_dir}: {', '.join(running)} (stop it first)")
        logins = self.prepare(seed)
        for index in range(self.webs):
            self.start_web(index)
        for index in range(self.workers):
            self.spawn(f"worker{index + 1}", [str(BIN / "flask"), "worker"])
        for index in range(self.schedulers):
            self.spawn(f"scheduler{index + 1}", [str(BIN / "flask"), "scheduler"])
        self.start_nginx()
        self.wait_ready()
        return logins

    def wait_ready(self, timeout=90, webs_only=False):
        deadline = time.monotonic() + timeout
        urls = [f"http://127.0.0.1:{port}/readyz" for port in self.web_ports]
        urls += [] if webs_only else [f"{self.url}/readyz"]
        for url in urls:
            while True:
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"{url} did not answer 200 within {timeout} s; logs in {self.run_dir}")
                time.sleep(0.3)

    def stop_process(self, name, sig=signal.SIGTERM, timeout=20):
        pid = self.pid(name)
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
            deadline = time.monotonic() + timeout
            while _alive(pid) and _ours(pid, self.run_dir) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _ours(pid, self.run_dir):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)  # its own session: the group is only its children
        self._pid_file(name).unlink(missing_ok=True)
        return pid

    def stop(self):
        stopped = []
        if self.pid("nginx"):
            stopped.append(("nginx", self.stop_process("nginx", signal.SIGQUIT)))
        else:
            self._pid_file("nginx").unlink(missing_ok=True)
        for name in self.names():
            stopped.append((name, self.stop_process(name)))
        return [(name, pid) for name, pid in stopped if pid]

    def status(self):
        return {name: self.pid(name) for name in [*self.names(), "nginx"]}


def claim_redis(url):
    """Mark the cluster's Redis db number as taken, so test runs (which claim a free one) skip it."""
    from redis import Redis

    base, number = url.rsplit("/", 1)
    registry = Redis.from_url(f"{base}/0")
    registry.set(f"{REDIS_CLAIM_KEY}:{number}", f"cluster {os.getpid()}")
    registry.close()


def release_redis(url):
    from redis import Redis

    base, number = url.rsplit("/", 1)
    registry = Redis.from_url(f"{base}/0")
    registry.delete(f"{REDIS_CLAIM_KEY}:{number}")
    registry.close()


def from_environment():
    from config import normalize_database_url

    server = os.environ.get("CLUSTER_PG_SERVER", DEFAULT_SERVER)
    default_db = sa.engine.make_url(server).set(database="kartoteka_cluster").render_as_string(hide_password=False)
    return Cluster(
        run_dir=Path(os.environ.get("CLUSTER_RUN_DIR", ROOT / "instance" / "cluster")).resolve(),
        database_url=normalize_database_url(os.environ.get("CLUSTER_DATABASE_URL") or default_db),
        redis_url=os.environ.get("CLUSTER_REDIS_URL", DEFAULT_REDIS),
        port=int(os.environ.get("CLUSTER_PORT", "8080")),
        threads=int(os.environ.get("CLUSTER_THREADS", "100")),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("start", "stop", "status"))
    args = parser.parse_args()
    cluster = from_environment()
    if args.action == "start":
        claim_redis(cluster.redis_url)
        try:
            logins = cluster.start(seed=not os.environ.get("CLUSTER_DATABASE_URL"))
        except BaseException:
            cluster.stop()
            raise
        safe_db = sa.engine.make_url(cluster.database_url).render_as_string(hide_password=True)
        print(f"Kartoteka cluster: {cluster.url}  (webs on {', '.join(map(str, cluster.web_ports))})")
        print(f"database {safe_db}, Redis {cluster.redis_url}; logs and pids in {cluster.run_dir}")
        print(logins.strip() or "Sign in with the users of that database.")
        print("Stop it with: make cluster-stop")
    elif args.action == "stop":
        stopped = cluster.stop()
        release_redis(cluster.redis_url)
        print("stopped: " + (", ".join(f"{name} ({pid})" for name, pid in stopped) or "nothing was running"))
    else:
        for name, pid in cluster.status().items():
            print(f"{name:<12} {'running, pid ' + str(pid) if pid else 'not running'}")


if __name__ == "__main__":
    main()
