"""Clients' events: planned in the planner's own zone and kept in UTC, changed only by the person
who holds it, his leaders or the client's employee, an outcome that credits the event_done points
once, and the agenda and the board within the viewer's scope."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from extensions import db
from models.base import utcnow
from models.clients import Event, EventStatus
from services import ledger
from services.clients import events
from tests.conftest import csrf_token
from tests.factories.clients import make_client


def status(code):
    return db.session.scalar(select(EventStatus).where(EventStatus.code == code))


@pytest.fixture
def anna(team):
    return make_client(team["employee"], full_name="Anna Koval", office_id=team["office"].id)


def _form(**values):
    base = {"type_id": str(events.types()[0].id), "starts_at": "2026-12-08T10:30", "duration_minutes": "45",
            "assignee_id": "", "title": "Trial lesson", "remind_minutes": "30"}  # fmt: skip
    return base | values


def test_an_event_is_planned_in_the_planners_zone_and_kept_in_utc(client_of, anna, team):
    web = client_of("employee")  # Europe/Kyiv: UTC+2 in December
    token = csrf_token(web, f"/admin/events/new/?client={anna.id}")
    answer = web.post(f"/admin/events/new/?client={anna.id}", data=_form(csrf_token=token))
    assert answer.status_code == 302, answer.text
    event = db.session.scalar(select(Event).where(Event.client_id == anna.id))
    assert (event.starts_at, event.assignee_id, event.status.code) == (
        datetime(2026, 12, 8, 8, 30),
        team["employee"].id,
        "planned",
    )
    tab = web.get(f"/admin/clients/{anna.id}/?tab=events").text
    assert f'data-event-id="{event.id}"' in tab and "2026-12-08 10:30" in tab


@pytest.mark.parametrize(
    ("values", "field"),
    [({"starts_at": "tomorrow"}, "starts_at"), ({"duration_minutes": "0"}, "duration_minutes"),
     ({"type_id": "999"}, "type_id"), ({"remind_minutes": "7"}, "remind_minutes")],
)  # fmt: skip
def test_bad_input_is_refused_and_plans_nothing(client_of, anna, values, field):
    web = client_of("employee")
    token = csrf_token(web, f"/admin/events/new/?client={anna.id}")
    answer = web.post(f"/admin/events/new/?client={anna.id}", data=_form(csrf_token=token, **values))
    assert answer.status_code == 422 and "is-invalid" in answer.text
    assert db.session.scalar(select(Event.id)) is None


def test_only_the_holder_his_leaders_and_the_clients_employee_change_it_and_done_credits_once(client_of, anna, team):
    event = events.plan(
        anna, team["supervisor"], ZoneInfo("Europe/Kyiv"), **_form(assignee_id=str(team["employee2"].id))
    )
    db.session.commit()
    for who, expected in (("peer", 404), ("intern", 404)):
        web = client_of(who)
        token = csrf_token(web, "/admin/events/")
        answer = web.post(f"/admin/events/{event.id}/status", data={"csrf_token": token, "version": "1",
                                                                    "status_id": str(status("done").id)})  # fmt: skip
        assert answer.status_code == expected, who
    web = client_of("employee")  # the client's employee, not the holder
    token = csrf_token(web, "/admin/events/")
    done = web.post(f"/admin/events/{event.id}/status", data={"csrf_token": token, "version": "1",
                                                              "status_id": str(status("done").id), "result_note": "Came, liked it"})  # fmt: skip
    assert done.status_code == 302
    db.session.expire_all()
    assert (event.status.code, event.result_note) == ("done", "Came, liked it")
    assert ledger.balance_of("employee", team["employee2"].id) == Decimal("2.00")
    events.set_status(event, team["supervisor"], event.version, status("missed").id)
    events.set_status(event, team["supervisor"], event.version, status("done").id)
    db.session.commit()
    assert ledger.balance_of("employee", team["employee2"].id) == Decimal("2.00")  # net once
    stale = web.post(f"/admin/events/{event.id}/status", data={"csrf_token": token, "version": "1",
                                                               "status_id": str(status("done").id)})  # fmt: skip
    assert stale.status_code == 409


def test_the_agenda_and_the_board_show_the_weeks_events_and_mark_the_overdue(client_of, anna, team):
    now = utcnow()
    late = Event(client_id=anna.id, type_id=events.types()[0].id, status_id=status("planned").id, assignee_id=team["employee"].id,
                 starts_at=now - timedelta(minutes=5), duration_minutes=30, title="Overdue call", result_note="")  # fmt: skip
    db.session.add(late)
    db.session.commit()
    agenda = client_of("employee").get("/admin/events/?range=today").text
    assert "Overdue call" in agenda and "event-overdue" in agenda
    board = client_of("employee").get("/admin/events/?view=board").text
    assert f'data-event-id="{late.id}"' in board
    supervisor = client_of("supervisor").get(f"/admin/events/?person={team['employee'].id}").text
    assert "Overdue call" in supervisor
    assert client_of("peer").get(f"/admin/events/?person={team['employee'].id}").status_code == 404
    assert client_of("employee").get("/admin/events/?range=year").status_code == 404
