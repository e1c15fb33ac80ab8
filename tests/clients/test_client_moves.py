"""The training pipeline's own rules, as a client moves: a stage's fields are asked on the move on,
and the move to "lost" asks for a reason from the list instead."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from extensions import db
from models.pipeline import Stage, StageTask
from services import pipeline
from tests.factories.clients import clients_pipeline, make_client
from tests.factories.platform import make_user


def _stage(code):
    return db.session.scalar(select(Stage).where(Stage.pipeline_id == clients_pipeline().id, Stage.code == code))


@pytest.fixture
def lead(app):
    with app.test_request_context(), force_locale("en"):
        employee = make_user(full_name="Olena Owner", role_code="owner")
        yield make_client(employee, full_name="Anna Koval"), employee


def test_the_move_to_lost_needs_a_reason_from_the_list_and_not_the_next_stages_fields(lead):
    client, employee = lead
    lost = _stage("lost")
    with pytest.raises(pipeline.MoveError) as refused:
        pipeline.move(client, lost, {}, employee, client.version)
    assert set(refused.value.errors) == {"lost_reason"}
    with pytest.raises(pipeline.MoveError) as refused:
        pipeline.move(client, lost, {"lost_reason": "cheaper elsewhere"}, employee, client.version)
    assert set(refused.value.errors) == {"lost_reason"}
    db.session.rollback()
    pipeline.move(
        client, lost, {"lost_reason": "too_expensive", "contacted_on": "2026-12-01"}, employee, client.version
    )
    db.session.commit()
    closed = db.session.scalar(
        select(StageTask).where(StageTask.subject_id == client.id, StageTask.subject_type == "client")
    )
    # What was typed into a field of another move is not kept.
    assert (client.stage.code, client.bucket, closed.values) == ("lost", "lost", {"lost_reason": "too_expensive"})


def test_the_move_on_asks_for_its_fields_and_not_for_a_reason(lead):
    client, employee = lead
    contacted = _stage("contacted")
    with pytest.raises(pipeline.MoveError) as refused:
        pipeline.move(client, contacted, {}, employee, client.version)
    assert set(refused.value.errors) == {"contacted_on"}
    db.session.rollback()
    pipeline.move(client, contacted, {"contacted_on": "2026-12-01", "lost_reason": "other"}, employee, client.version)
    db.session.commit()
    assert client.stage.code == "contacted"
