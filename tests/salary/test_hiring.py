"""HR: candidates and interviews as each HR person and his head see them, a hire linked to the
employee he became, and what HR plans count: interviews held, hires still employed after 30 days."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from extensions import db
from models.platform.org import Position
from models.salary import Candidate, Interview
from services.salary import hiring
from tests.conftest import csrf_token
from tests.factories.platform import make_office, make_user, place
from tests.view_helpers import EnglishRequestClient


@pytest.fixture
def hr_team():
    office = make_office()
    people = {
        "hrhead": make_user(full_name="Halyna Head", language="en"),
        "hr": make_user(full_name="Hanna Hr", language="en"),
        "other_hr": make_user(full_name="Oksana Other", language="en"),
        "employee": make_user(full_name="Eva Employee", language="en"),
        "hired": make_user(full_name="Nadia New", language="en"),
    }
    head = place(people["hrhead"], office, "hr_head")
    place(people["hr"], office, "hr", boss=head)
    place(people["other_hr"], office, "hr")
    place(people["employee"], office, "employee")
    db.session.commit()
    return {**people, "office": office}


@pytest.fixture
def as_person(app, login_as, hr_team):
    return lambda name: login_as(hr_team[name], client=EnglishRequestClient(app, app.response_class, use_cookies=True))


def employee_position():
    return db.session.scalar(select(Position).where(Position.code == "employee"))


def test_an_hr_adds_a_candidate_his_head_sees_him_another_hr_does_not(as_person, hr_team):
    hr = as_person("hr")
    form = {"csrf_token": csrf_token(hr, "/admin/candidates/new/"), "full_name": "Kateryna Candidate",
            "phone": "+380501112233", "email": "", "position": employee_position().id, "office": hr_team["office"].id,
            "source": "Job board", "status": "new", "note": ""}  # fmt: skip
    assert hr.post("/admin/candidates/new/", data=form).status_code == 302
    candidate = db.session.scalar(select(Candidate))
    assert candidate.hr_id == hr_team["hr"].id
    assert "Kateryna Candidate" in as_person("hrhead").get("/admin/candidates/").text
    assert "Kateryna Candidate" not in as_person("other_hr").get("/admin/candidates/").text
    assert as_person("other_hr").get(f"/admin/candidates/edit/?id={candidate.id}").status_code == 404
    assert as_person("employee").get("/admin/candidates/").status_code == 403


def test_a_hire_needs_the_employee_and_the_day():
    candidate = Candidate(full_name="X", status="hired")
    assert set(hiring.check_hire(candidate)) == {"hired_user", "hired_on"}
    assert set(hiring.check_hire(Candidate(full_name="X", status="new", hired_on=date(2026, 1, 1)))) == {
        "status", "hired_user"}  # fmt: skip
    assert hiring.check_hire(Candidate(full_name="X", status="new")) == {}


def test_hr_results_count_interviews_held_and_hires_kept(hr_team):
    hr = hr_team["hr"]
    candidate = Candidate(full_name="Nadia New", position_id=employee_position().id, status="hired", hr_id=hr.id,
                          hired_user_id=hr_team["hired"].id, hired_on=date(2030, 1, 10))  # fmt: skip
    db.session.add(candidate)
    db.session.flush()
    for n, outcome in enumerate(("passed", "failed", "no_show", "planned")):
        db.session.add(Interview(candidate_id=candidate.id, interviewer_id=hr.id, outcome=outcome,
                                 starts_at=datetime(2030, 1, 5, 10) + timedelta(hours=n)))  # fmt: skip
    db.session.flush()
    january, february = (datetime(2030, 1, 1), datetime(2030, 2, 1)), (datetime(2030, 2, 1), datetime(2030, 3, 1))
    assert hiring.interviews_held([hr.id], *january) == {hr.id: 2}
    assert hiring.hires_kept([hr.id], *january) == {}  # 30 days after 10 January fall in February
    assert hiring.hires_kept([hr.id], *february) == {hr.id: 1}
    hr_team["hired"].is_blocked = True
    db.session.flush()
    assert hiring.hires_kept([hr.id], *february) == {}
