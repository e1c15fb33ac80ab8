"""Kartoteka: create_app wires the extensions, then each domain in its layers, then sockets and commands."""

import os
from importlib import import_module
from importlib.util import find_spec

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

import admin_views
import jobs.cli
import realtime
import seeds.cli
from admin_views.platform import auth as auth_views
from admin_views.platform import i18n
from config import INSTANCE_DIR, Config
from extensions import babel, csrf, db, login, migrate, queues, socketio
from services.platform import database

# The domains, in the order they stand on each other. Each may have a package (or module) in every
# layer below, and each of those that has an init_app(app) registers there what the domain brings:
# permissions, export lists and session hooks (services), pages and socket rooms (admin_views),
# periodic jobs (jobs).
DOMAINS = (
    "platform",
    "pipeline",
    "ledger",
    "cards",
    "tasks",
    "finance",
    "exports",
    "clients",
    "salary",
    "forum",
    "chats",
    "suggestions",
    "analytics",
)
LAYERS = ("services", "admin_views", "jobs")


def init_domains(app):
    for domain in DOMAINS:
        for layer in LAYERS:
            name = f"{layer}.{domain}"
            if find_spec(name) is None:
                continue
            init = getattr(import_module(name), "init_app", None)
            if init is not None:
                init(app)


def create_app(config=Config):
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(config)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory="migrations", render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    login.init_app(app)
    login.login_view = "auth.login"
    login.session_protection = "basic"
    login.login_message = _l("Sign in to open this page.")
    login.user_loader(auth_views.load_user)
    queues.init_app(app)
    admin_views.init_app(app)
    init_domains(app)
    admin_views.finish_app(app)
    realtime.init_app(app)
    jobs.cli.init_app(app)
    seeds.cli.init_app(app)
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # Outermost, so Socket.IO's same-origin check and request.is_secure see the client's view.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    return app


if __name__ == "__main__":
    application = create_app()
    if application.config["RUN_EMBEDDED_WORKERS"]:
        from jobs.runner import start_embedded

        start_embedded(application)
    from deploy.embedded_server import BannerlessRequestHandler

    port = int(os.environ.get("PORT", "5000"))
    socketio.run(
        application,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=port,
        allow_unsafe_werkzeug=True,
        request_handler=BannerlessRequestHandler,
    )
