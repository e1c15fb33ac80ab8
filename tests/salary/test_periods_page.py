"""The owner closes an ended period from its page: the job freezes it; a running or closed period
is refused; nobody else may."""

from datetime import date

from sqlalchemy import func, select

from extensions import db
from models.salary import SalaryPeriod, SalaryResult
from services.salary import periods
from tests.conftest import csrf_token
from tests.exports.helpers import run_worker


def test_the_owner_closes_an_ended_period_and_the_job_freezes_it(app, client_of, team, current):
    ended = periods.ensure(date(2026, 1, 15))
    db.session.commit()
    owner = client_of("owner")
    page = owner.get("/admin/salary/periods/")
    assert page.status_code == 200 and "January 2026" in page.text and "Close the period" in page.text
    token = csrf_token(owner, "/admin/salary/periods/")
    assert owner.post(f"/admin/salary/periods/{ended.id}/close", data={"csrf_token": token}).status_code == 302
    run_worker(app)
    db.session.expire_all()
    period = db.session.get(SalaryPeriod, ended.id)
    assert period.status == "closed" and period.closed_by_id == team["owner"].id
    assert (
        db.session.scalar(select(func.count()).select_from(SalaryResult).where(SalaryResult.period_id == ended.id)) > 0
    )
    again = owner.post(f"/admin/salary/periods/{ended.id}/close", data={"csrf_token": token})
    assert again.status_code == 409


def test_a_period_still_running_is_not_closed_and_others_may_not(client_of, team, current):
    owner = client_of("owner")
    token = csrf_token(owner, "/admin/salary/periods/")
    refused = owner.post(f"/admin/salary/periods/{current.id}/close", data={"csrf_token": token})
    assert refused.status_code == 409 and "has not ended yet" in refused.text
    assert db.session.get(SalaryPeriod, current.id).status == "open"
    assert client_of("supervisor").get("/admin/salary/periods/").status_code == 403
    assert owner.post("/admin/salary/periods/999999/close", data={"csrf_token": token}).status_code == 404
