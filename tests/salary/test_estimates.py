"""Everyone's salary and forecast for the open period, computed by the background job in batches:
the same figures as each person's computed alone, and what a table too wide to compute on a page
reads (with when they were computed); a wide table with nothing computed yet asks for a run."""

from decimal import Decimal

from extensions import db, queues
from jobs import salary as salary_jobs
from services import ledger
from services.salary import adjustments, estimates, salaries
from services.salary import team as team_tables


def test_the_job_keeps_everyones_figures_as_computed_alone(team, current):
    ledger.credit("test", ledger.Source("test", 1), employee_id=team["employee"].id, employee_amount=70)
    adjustments.adjust(team["supervisor"], team["employee"].id, current, "bonus", "100", "results", "Good")
    db.session.commit()
    counted = salary_jobs.estimate_salaries(current.starts_on)
    people = [person.id for name, person in team.items() if name not in ("office", "owner")]
    assert counted >= len(people)
    kept = estimates.kept(people, current)
    for user_id in people:
        alone = salaries.of_person(user_id, current)
        assert kept[user_id].total == alone.total
        assert kept[user_id].forecast_low <= kept[user_id].forecast_high
    employee = kept[team["employee"].id]
    assert employee.total == Decimal("10000") + Decimal("5000") * Decimal("0.7") + 700 + 100  # base, tiers, rate, bonus
    assert employee.attainment == Decimal("0.7")
    salary_jobs.estimate_salaries(current.starts_on)  # a second run replaces the first
    assert len(estimates.kept(people, current)) == len(people)


def test_a_wide_table_reads_the_jobs_figures_and_asks_for_them_first(client_of, team, current, monkeypatch):
    monkeypatch.setattr(team_tables, "LIVE_ROWS", 1)
    queues.connection.delete(salary_jobs.ESTIMATE_SOON_KEY)
    first = client_of("supervisor").get("/admin/salary/team/")
    assert first.status_code == 200 and "being computed in the background" in first.text
    assert queues.connection.get(salary_jobs.ESTIMATE_SOON_KEY) is not None  # asked once a minute at most
    salary_jobs.estimate_salaries(current.starts_on)
    later = client_of("supervisor").get("/admin/salary/team/")
    assert "Figures as of" in later.text and "Eva Employee" in later.text and "Emil Employee" in later.text
    assert "Ihor Intern" not in later.text


def test_a_wide_table_of_a_period_not_begun_is_computed_on_the_page(client_of, team, current, monkeypatch):
    from datetime import date

    from services.salary import periods

    monkeypatch.setattr(team_tables, "LIVE_ROWS", 1)
    later = periods.ensure(date(2099, 5, 10))
    db.session.commit()
    page = client_of("supervisor").get(f"/admin/salary/team/?period={later.id}")
    assert page.status_code == 200 and "being computed" not in page.text and "Figures as of" not in page.text
    assert "Eva Employee" in page.text and "Emil Employee" in page.text
