"""Adding clients: on the training pipeline's first stage for their responsible employee, never a
second copy of a phone or e-mail already known, and the history of who has been responsible."""

import pytest
from sqlalchemy import select

from extensions import db
from models.clients import Client
from models.pipeline import StageTask
from services.clients import operations as clients
from tests.factories.platform import make_user


def _create(by, **values):
    client = clients.create(by, **values)
    db.session.commit()
    return client


def test_a_new_client_stands_on_the_first_stage_with_a_task_for_his_employee(team):
    client = _create(team["employee"], full_name="  Анна   Коваль ", phone="067 123 45 67", email="Anna@Example.COM")
    assert (client.full_name, client.phone, client.email) == ("Анна Коваль", "+380671234567", "anna@example.com")
    first = clients.clients_pipeline().stages[0]
    assert (client.stage_id, client.bucket, client.responsible_id) == (first.id, first.bucket, team["employee"].id)
    [task] = db.session.scalars(
        select(StageTask).where(StageTask.subject_type == "client", StageTask.subject_id == client.id)
    )
    assert task.assignee_id == team["employee"].id and task.closed_at is None
    [stretch] = clients.responsible_history(client)
    assert (stretch.user_id, stretch.until, stretch.changed_by_id) == (team["employee"].id, None, team["employee"].id)


@pytest.mark.parametrize(
    "same", [{"phone": "+380 67 123-45-67"}, {"phone_other": "0671234567"}, {"email": "ANNA@example.com"}]
)
def test_a_known_phone_or_e_mail_is_refused_and_the_known_client_named(team, same):
    known = _create(team["employee"], full_name="Анна Коваль", phone="0671234567", email="anna@example.com")
    with pytest.raises(clients.ClientError) as refused:
        clients.create(team["employee2"], full_name="Anna K.", **same)
    assert refused.value.status == 409 and [client.id for client in refused.value.same] == [known.id]
    db.session.rollback()
    assert db.session.scalar(select(Client.id).where(Client.full_name == "Anna K.")) is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"full_name": " "}, "full_name"),
        ({"full_name": "x" * 161}, "full_name"),
        ({"email": "not an address"}, "email"),
        ({"language": "de"}, "language"),
        ({"timezone": "Mars/Base"}, "timezone"),
        ({"office_id": "99999"}, "office_id"),
        ({"referrer_id": "abc"}, "referrer_id"),
    ],
)
def test_bad_fields_are_refused_with_a_message_each(team, values, field):
    with pytest.raises(clients.ClientError) as refused:
        clients.create(team["employee"], **{"full_name": "Name", **values})
    assert field in refused.value.errors and refused.value.status == 400
    db.session.rollback()
    assert db.session.scalar(select(Client.id)) is None


def test_only_ones_own_people_may_be_made_responsible(team):
    mine = _create(team["supervisor"], full_name="For the team", responsible_id=str(team["employee"].id))
    assert mine.responsible_id == team["employee"].id
    with pytest.raises(clients.ClientError) as refused:
        clients.create(team["supervisor"], full_name="For a peer", responsible_id=str(team["intern"].id))
    assert "responsible_id" in refused.value.errors
    db.session.rollback()
    assert _create(team["owner"], full_name="Anyone's", responsible_id=str(team["intern"].id)).responsible_id


def test_a_referrer_must_be_one_of_the_users_clients(team):
    theirs = _create(team["intern"], full_name="Peer's client")
    with pytest.raises(clients.ClientError) as refused:
        clients.create(team["employee"], full_name="Referred", referrer_id=str(theirs.id))
    assert "referrer_id" in refused.value.errors
    db.session.rollback()
    mine = _create(team["employee"], full_name="My client")
    assert _create(team["employee"], full_name="Referred", referrer_id=str(mine.id)).referrer_id == mine.id


def test_a_change_of_responsible_closes_one_stretch_and_opens_the_next(team):
    client = _create(team["employee"], full_name="Handed over")
    clients.set_responsible(client, str(team["employee2"].id), team["supervisor"])
    db.session.commit()
    current, previous = clients.responsible_history(client)
    assert (current.user_id, current.until, current.changed_by_id) == (
        team["employee2"].id,
        None,
        team["supervisor"].id,
    )
    assert previous.user_id == team["employee"].id and previous.until == current.since
    assert db.session.get(Client, client.id).responsible_id == team["employee2"].id
    with pytest.raises(clients.ClientError) as refused:
        clients.set_responsible(client, str(team["employee"].id), team["intern"])
    assert refused.value.status == 403


def test_whoever_may_not_add_clients_is_refused(team):
    agent = make_user(role_code="agent")
    with pytest.raises(clients.ClientError) as refused:
        clients.create(agent, full_name="Nope")
    assert refused.value.status == 403


def test_the_new_responsible_is_told_of_the_client_handed_to_him(team):
    from models.platform.notification import Notification

    client = _create(team["employee"], full_name="Handed over")
    clients.set_responsible(client, str(team["employee2"].id), team["supervisor"])
    db.session.commit()
    (item,) = db.session.scalars(select(Notification)).all()
    assert (item.user_id, item.kind, item.params["client"]) == (team["employee2"].id, "clients.handed", "Handed over")
