"""Module-level singletons, wired to the app by init_app. No connection is opened at import."""

from pathlib import Path

from flask_admin import Admin
from flask_admin import babel as admin_babel
from flask_admin.theme import Bootstrap4Theme
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from jobs.queues import QueueHub

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login = LoginManager()
csrf = CSRFProtect()
babel = Babel()
socketio = SocketIO()
queues = QueueHub()


def _csp_nonce():
    from flask import g

    return getattr(g, "csp_nonce", "")


def _ours_merged_last(directories):
    """Flask-Babel merges the catalogues of a domain in order, a later one winning: ours
    (translations/*/LC_MESSAGES/admin.po) goes after Flask-Admin's, so that it also corrects what
    Flask-Admin's uk/ru catalogues say wrong, not only what they lack."""
    return property(lambda domain: list(reversed(directories.fget(domain))))


admin_babel.CustomDomain.translation_directories = _ours_merged_last(admin_babel.CustomDomain.translation_directories)

admin = Admin(
    name="Kartoteka",
    translations_path=str(Path(__file__).resolve().parent / "translations"),
    theme=Bootstrap4Theme(base_template="admin/kartoteka_base.html", swatch="default", fluid=True),
    csp_nonce_generator=_csp_nonce,
)
