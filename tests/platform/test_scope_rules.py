"""Deny by default, structurally: every model an admin view serves declares its scope rule, the
secured base refuses a model that declares none when the view is made, and every query of a view
goes through the scope."""

import pytest
import sqlalchemy as sa
from flask_admin.model import BaseModelView
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from admin_views.base import SecuredModelView
from models.cards.card import Card
from models.cards.directory import Bank
from models.exports.export import ExportSchedule
from models.platform.user import User
from services.platform import access
from tests.factories import make_user


class _Unregistered(DeclarativeBase):
    """A model base of its own: nothing of it reaches the app's tables."""


class Unruled(_Unregistered):
    __tablename__ = "unruled"

    id: Mapped[int] = mapped_column(primary_key=True)


def _model_views():
    from extensions import admin

    return [view for view in admin._views if isinstance(view, BaseModelView)]


def test_every_model_view_serves_a_model_with_a_scope_rule(app):
    views = _model_views()
    assert len(views) >= 10  # the walk sees the app's views
    for view in views:
        name = type(view).__name__
        assert isinstance(view, SecuredModelView), f"{name} is not a SecuredModelView"
        assert access.scope_rule(view.model) in ("clause", "owner", "all"), name
        for method in ("get_query", "get_count_query", "_scoped"):
            assert getattr(type(view), method) is getattr(SecuredModelView, method), f"{name} replaces {method}"


def test_the_people_and_card_views_narrow_by_their_rule_and_reference_data_lists_every_row(app):
    rules = {view.model: access.scope_rule(view.model) for view in _model_views()}
    assert rules[Card] == "clause"
    assert rules[User] == rules[ExportSchedule] == "owner"
    assert rules[Bank] == "all"


def test_a_view_over_a_model_with_no_scope_rule_is_refused_when_made():
    with pytest.raises(ValueError, match="Unruled declares no scope"):
        SecuredModelView(Unruled)

    class UnruledView(SecuredModelView):
        permission = "dashboard.view"

    with pytest.raises(ValueError, match="UnruledView refused: Unruled declares no scope"):
        UnruledView(Unruled)


def test_a_view_may_not_replace_its_scoped_queries():
    with pytest.raises(TypeError, match="get_query"):

        class WideView(SecuredModelView):
            def get_query(self):
                return self.session.query(self.model)

    with pytest.raises(TypeError, match="get_count_query"):

        class WideCountView(SecuredModelView):
            def get_count_query(self):
                return self.session.query(sa.func.count())


def test_the_scope_clause_refuses_a_model_with_no_rule(db):
    with pytest.raises(ValueError, match="Unruled declares no scope"):
        access.scope_clause(make_user(role_code="owner"), Unruled)


def test_every_row_of_reference_data_for_a_signed_in_person_and_none_when_blocked(db):
    db.session.add_all([Bank(name="Bank A"), Bank(name="Bank B")])
    agent = make_user(role_code="agent")  # the narrowest scope
    banks = sa.select(Bank.name).order_by(Bank.name)
    assert db.session.scalars(access.scope(agent, banks, Bank)).all() == ["Bank A", "Bank B"]
    agent.is_blocked = True
    assert db.session.scalars(access.scope(agent, banks, Bank)).all() == []
    assert db.session.scalars(access.scope(None, banks, Bank)).all() == []
