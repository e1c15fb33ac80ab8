"""A stage task passed to someone else rings his bell; a card handed to someone rings his: after
the commit only, never for one's own act."""

from sqlalchemy import select

from extensions import db
from models.platform.notification import Notification
from services import pipeline
from services.cards import operations as cards
from tests.factories.cards import make_card, sample_values
from tests.factories.platform import make_office, make_user, place


def team():
    office = make_office()
    people = {
        "owner": make_user(role_code="owner", full_name="Olena Owner", language="en"),
        "manager": make_user(role_code="manager", full_name="Mykola Manager", language="en"),
        "agent": make_user(role_code="agent", full_name="Anna Agent", language="en"),
        "agent2": make_user(role_code="agent", full_name="Andrii Agent", language="en"),
        "accountant": make_user(role_code="accountant", full_name="Alla Accountant", language="en"),
    }
    boss = place(people["manager"], office, "head_of_department")
    place(people["agent"], office, "employee", boss=boss)
    place(people["agent2"], office, "employee", boss=boss)
    return people


def notes():
    db.session.expire_all()
    return [
        (item.user_id, item.kind, item.link)
        for item in db.session.scalars(select(Notification).order_by(Notification.id))
    ]


def test_a_move_rings_the_next_stage_s_person_after_the_commit():
    people = team()
    card = make_card(agent=people["agent"], manager=people["manager"], accountant=people["accountant"])
    db.session.commit()
    target = card.stage.allowed_targets[0]
    result = pipeline.move(card, target, sample_values(card.stage), people["owner"], card.version)
    db.session.rollback()
    assert notes() == []
    card = db.session.get(type(card), card.id)
    result = pipeline.move(
        card, card.stage.allowed_targets[0], sample_values(card.stage), people["owner"], card.version
    )
    db.session.commit()
    assert result.opened is not None and result.opened.assignee_id is not None
    assert notes() == [(result.opened.assignee_id, "pipeline.task", f"/admin/cards/details/?id={card.id}")]


def test_a_card_handed_rings_the_new_responsible_only():
    people = team()
    card = make_card(agent=people["agent"], manager=people["manager"])
    db.session.commit()
    stage = card.stage
    cards.set_responsibles(card, {f"stage_{stage.id}": str(people["agent2"].id)}, people["manager"], card.version)
    db.session.commit()
    assert notes() == [(people["agent2"].id, "cards.handed", f"/admin/cards/details/?id={card.id}")]
    card = db.session.get(type(card), card.id)
    cards.set_responsibles(card, {f"stage_{stage.id}": str(people["manager"].id)}, people["manager"], card.version)
    db.session.commit()
    assert len(notes()) == 1  # handing to oneself rings nothing
