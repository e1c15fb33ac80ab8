"""The smallest app of the stack Kartoteka is built on, for `bench/stack_floor.py`: Flask with a plain
text route and a JSON route; Flask-Admin (Bootstrap 4 theme, Flask-Babel) with a page of the layout
only, and its stock list, details and edit views of a 20-row table in SQLite. No login, no access
policy, no PostgreSQL: what any page of an app on this stack costs at the least.

    gunicorn -w 1 --threads 8 'bench.floor_app:create_app()'   (FLOOR_DATABASE: the SQLite file)
"""

import os
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, jsonify
from flask_admin import Admin, BaseView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.theme import Bootstrap4Theme
from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROWS = 20


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Item(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    amount: Mapped[int]
    created_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(sa.String(200))


class Blank(BaseView):
    """An admin page with nothing but the layout: the menu, the theme's head and scripts."""

    @expose("/")
    def index(self):
        return self.render("floor_blank.html")


class Items(ModelView):
    can_view_details = True


def create_app():
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="floor",  # noqa: S105 - a throwaway bench app on loopback
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{os.environ.get('FLOOR_DATABASE', '/tmp/kartoteka-floor.sqlite')}",
    )
    db.init_app(app)
    Babel(app)
    app.jinja_loader = ChoiceLoader([
        DictLoader({"floor_blank.html": "{% extends 'admin/master.html' %}{% block body %}<p>ok</p>{% endblock %}"}),
        app.jinja_loader,
    ])  # fmt: skip
    admin = Admin(app, name="Floor", theme=Bootstrap4Theme())
    admin.add_view(Blank(name="Blank", endpoint="blank"))
    admin.add_view(Items(Item, db))

    @app.get("/plain")
    def plain():
        return "ok"

    @app.get("/json")
    def rows():
        items = db.session.execute(sa.select(Item.id, Item.name, Item.amount).limit(ROWS)).all()
        return jsonify([{"id": i, "name": name, "amount": amount} for i, name, amount in items])

    with app.app_context():
        db.create_all()
        if not db.session.scalar(sa.select(sa.func.count()).select_from(Item)):
            now = datetime(2026, 1, 1)
            db.session.add_all(
                Item(name=f"Item {n}", amount=n * 100, created_at=now + timedelta(hours=n), note=f"note {n}")
                for n in range(ROWS)
            )
            db.session.commit()
    return app
