"""Settings from the environment. Nothing set means embedded mode (SQLite + in-process queue)."""

import base64
import os
import secrets
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("KARTOTEKA_INSTANCE", BASE_DIR / "instance"))


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url():
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'kartoteka.db'}"
    return normalize_database_url(url)


def normalize_database_url(url):
    """Accept the usual postgres:// forms and always talk psycopg 3."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _pool_size():
    """DATABASE_POOL_SIZE / DATABASE_MAX_OVERFLOW when set; SQLAlchemy's 5 + 10 otherwise."""
    sizes = {}
    for name, option in (("DATABASE_POOL_SIZE", "pool_size"), ("DATABASE_MAX_OVERFLOW", "max_overflow")):
        if os.environ.get(name):
            sizes[option] = int(os.environ[name])
    return sizes


def _date(name, default):
    """A YYYY-MM-DD setting; a malformed one, or one so far off that a period or a time zone would
    overflow near it, stops the start-up rather than allow any date."""
    value = os.environ.get(name, "").strip()
    chosen = date.fromisoformat(value) if value else default
    if not date(1900, 1, 1) <= chosen <= date(2999, 12, 31):
        raise ValueError(f"{name} must lie between 1900-01-01 and 2999-12-31, not {chosen}")
    return chosen


def _instance_secret(name, make):
    """The secret `name` from the environment, or (embedded mode) one generated once and kept beside
    the database in instance/, so that no secret lives in the repo."""
    value = os.environ.get(name)
    if value:
        return value
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / name.lower()
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _data_key():
    """32 random bytes, URL-safe base64: the key card numbers are sealed with (services/platform/sealed.py)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


class Config:
    ENV_NAME = os.environ.get("KARTOTEKA_ENV", "development")
    SECRET_KEY = _instance_secret("SECRET_KEY", lambda: secrets.token_urlsafe(48))
    # Seals payment data at rest and keys its lookup hashes; losing it loses the full card numbers.
    DATA_ENCRYPTION_KEY = _instance_secret("DATA_ENCRYPTION_KEY", _data_key)
    SQLALCHEMY_DATABASE_URI = _database_url()
    # A web process has one connection per busy thread at most: size the pool to its --threads.
    # Last in, first out: a quiet process keeps using the same few connections, whose prepared
    # statements and PostgreSQL caches are warm.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_timeout": 10, "pool_use_lifo": True} | _pool_size()
    DATABASE_STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "15000"))
    DATABASE_CONNECT_TIMEOUT_SECONDS = int(os.environ.get("DATABASE_CONNECT_TIMEOUT_SECONDS", "5"))
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Embedded: worker and scheduler run as threads of the web process.
    RUN_EMBEDDED_WORKERS = REDIS_URL is None and _bool("KARTOTEKA_EMBEDDED_WORKERS", True)

    BABEL_DEFAULT_LOCALE = "uk"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("uk", "ru", "en")

    # Every date people enter (stage fields, transactions, tasks, filters, exports) lies in this
    # range (services/platform/dates.py): the reports and the time zones reach every day of it.
    DATE_MIN = _date("DATE_MIN", date(2000, 1, 1))
    DATE_MAX = _date("DATE_MAX", date(2100, 12, 31))

    IDLE_TIMEOUT_MINUTES = int(os.environ.get("IDLE_TIMEOUT_MINUTES", "30"))
    # Scheduled jobs: "the next day" is a day in this zone; the bank-check roll-over may skip weekends.
    BUSINESS_TIMEZONE = os.environ.get("BUSINESS_TIMEZONE", "Europe/Kyiv")
    ROLLOVER_SKIP_WEEKENDS = _bool("ROLLOVER_SKIP_WEEKENDS")
    LOGIN_WINDOW_MINUTES = 15
    LOGIN_MAX_FAILS_PER_ACCOUNT = 5
    LOGIN_MAX_FAILS_PER_ADDRESS = 20
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    # How many proxies (nginx) stand in front and set X-Forwarded-For/-Proto/-Host/-Port; 0 = none,
    # so nobody can fake his address or scheme by sending those headers to a bare process.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    SESSION_COOKIE_NAME = "kartoteka_session"
    REMEMBER_COOKIE_DURATION = 0
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    FLASK_ADMIN_SWATCH = "default"
    FLASK_ADMIN_FLUID_LAYOUT = True

    # Scheduled export emails go out through this SMTP server; without one they are kept in the
    # app's outbox (services/platform/mail.py), which owners and administrators read.
    MAIL_TRANSPORT = os.environ.get("MAIL_TRANSPORT") or ("smtp" if os.environ.get("MAIL_SERVER") else "outbox")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "kartoteka@localhost")
    MAIL_TIMEOUT_SECONDS = int(os.environ.get("MAIL_TIMEOUT_SECONDS", "30"))
    # Uploaded documents, stored under generated names outside static/ (shared by every web process in
    # services mode: a shared volume). Larger files are refused.
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or str(INSTANCE_DIR / "uploads")
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
    # Finished export files are kept this long for download, then removed.
    EXPORT_KEEP_DAYS = int(os.environ.get("EXPORT_KEEP_DAYS", "7"))

    # Socket.IO accepts pages of this origin (and of SOCKETIO_ALLOWED_ORIGINS) only; unset, the origin
    # of the host the request came to.
    PUBLIC_URL = os.environ.get("PUBLIC_URL") or None
    SOCKETIO_ALLOWED_ORIGINS = os.environ.get("SOCKETIO_ALLOWED_ORIGINS") or None
    LOG_JSON = _bool("LOG_JSON")


class TestConfig(Config):
    TESTING = True
    RUN_EMBEDDED_WORKERS = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    SERVER_NAME = None
