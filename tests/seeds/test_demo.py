"""Demo data: one login per role, a small org tree, and never in production."""

import pytest
from sqlalchemy import func, select

from extensions import db
from models.cards.directory import Bank, Contractor
from models.platform.user import User
from seeds.demo import DEMO_PASSWORD, PEOPLE, load_demo
from services.platform import hierarchy
from tests.view_helpers import RequestClient

EXPECTED_LOGINS = {
    "owner",
    "admin",
    "accountant",
    "agent",
    "manager",
    "officehead",
    "depthead",
    "supervisor",
    "intern",
}


def user(username):
    return db.session.scalar(select(User).where(User.username == username))


def subordinate_names(username):
    return {u.username for u in hierarchy.subordinates_of(user(username).id)}


def user_count():
    return db.session.scalar(select(func.count()).select_from(User))


@pytest.fixture
def demo():
    return load_demo()


def test_demo_creates_a_login_for_every_role(demo):
    assert set(demo) >= EXPECTED_LOGINS
    assert {u.username for u in db.session.scalars(select(User))} == {name for name, _, _ in PEOPLE}
    roles = {u.username: u.role.code if u.role else None for u in db.session.scalars(select(User))}
    assert (roles["owner"], roles["admin"], roles["accountant"]) == ("owner", "administrator", "accountant")
    assert (roles["manager"], roles["agent"]) == ("manager", "agent")
    assert db.session.scalar(select(func.count()).select_from(Bank)) > 0
    assert db.session.scalar(select(func.count()).select_from(Contractor)) > 0


def test_every_demo_login_signs_in_with_the_demo_password(app, login_as, demo):
    # One demo for all the logins: loading it is most of the cost of this test.
    refused = {}
    for username in sorted(name for name, _, _ in PEOPLE):
        browser = login_as(user(username), password=DEMO_PASSWORD, client=RequestClient(app, app.response_class))
        status = browser.get("/admin/").status_code
        if status != 200:
            refused[username] = status
    assert refused == {}


def test_managers_team_is_his_agents_and_accountant_but_not_the_other_office(demo):
    assert subordinate_names("manager") == {"agent", "agent2", "accountant"}
    assert subordinate_names("manager2") == {"agent3", "accountant2"}


def test_a_manager_sees_only_his_teams_cards_and_may_move_his_accountants_stage(demo):
    from models.cards.card import Card
    from services import pipeline
    from services.platform import access

    manager = user("manager")
    visible = db.session.scalars(access.scope(manager, select(Card), Card)).all()
    assert visible and {card.manager.username for card in visible} == {"manager"}
    assert {card.accountant.username for card in visible} == {"accountant"}
    accountant_task = next(
        task
        for card in visible
        if (task := pipeline.open_task(card)) is not None and task.assignee_id == user("accountant").id
    )
    card = db.session.get(Card, accountant_task.subject_id)
    assert pipeline.may_move(manager, card, accountant_task)
    assert not pipeline.may_move(user("manager2"), card, accountant_task)
    assert not pipeline.may_move(user("agent"), card, accountant_task)


def test_the_sales_chain_runs_from_the_office_head_down_to_the_intern(demo):
    assert subordinate_names("officehead") == {"depthead", "supervisor", "employee", "intern", "hrhead", "hr"}
    assert subordinate_names("supervisor") == {"employee", "intern"}
    assert subordinate_names("intern") == set()


def test_one_demo_person_holds_positions_in_two_offices(demo):
    offices = {m.office.name for m in user("supervisor").memberships}
    assert len(offices) == 2


def test_seed_demo_command_refuses_in_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "never loaded in production" in result.output
    assert user_count() == 0


def test_seed_demo_command_loads_once_and_then_only_with_if_empty(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    loaded = user_count()
    assert loaded == len(PEOPLE)

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0 and "not empty" in again.output
    quiet = runner.invoke(args=["seed-demo", "--if-empty"])
    assert quiet.exit_code == 0, quiet.output
    assert user_count() == loaded


def test_the_part_b_people_have_clients_across_the_stages_each_within_his_scope(demo):
    from models.clients import Client
    from services.platform import access

    def seen(username):
        query = access.scope(user(username), select(Client.id).where(Client.deleted_at.is_(None)), Client)
        return set(db.session.scalars(query))

    everyone = set(db.session.scalars(select(Client.id)))
    stages = set(db.session.scalars(select(Client.bucket)))
    assert len(everyone) >= 20 and stages >= {"new", "in_work", "lost", "done"}
    intern, employee, supervisor = seen("intern"), seen("employee"), seen("supervisor")
    assert intern and employee and not intern & employee
    assert intern | employee <= supervisor - in_lviv() <= seen("depthead") <= seen("officehead") == everyone - in_lviv()
    # The supervisor's own clients in Lviv, where he works too, are his; not his Kyiv leaders'.
    assert in_lviv() and in_lviv() <= supervisor
    assert seen("owner") == everyone
    assert db.session.scalar(select(func.count()).where(Client.referrer_id.is_not(None))) == 2
    [partner] = db.session.scalars(select(Client).where(Client.is_partner.is_(True)))
    assert db.session.scalar(select(func.count()).where(Client.referrer_id == partner.id)) == 2
    from models.clients import Invoice
    from services import ledger

    statuses = set(db.session.scalars(select(Invoice.status)))
    assert {"paid", "partly_paid", "draft"} <= statuses and ledger.mismatches() == {}
    assert ledger.balance_of("client", partner.id, "bonus") > 0
    from models.clients import ClientDocument, Event

    assert db.session.scalar(select(func.count()).select_from(ClientDocument)) == 3
    assert db.session.scalar(select(func.count()).select_from(Event)) >= 10


def in_lviv():
    from models.clients import Client
    from models.platform.org import Office

    return set(
        db.session.scalars(select(Client.id).join(Office, Office.id == Client.office_id).where(Office.name == "Львів"))
    )


def test_the_demo_salaries_have_closed_months_a_raise_a_bonus_and_hr_records(demo):
    from models.salary import Candidate, PlanOverride, SalaryAdjustment, SalaryPeriod, SalaryResult
    from services.salary import closing

    closed = db.session.scalars(select(SalaryPeriod).where(SalaryPeriod.status == "closed")).all()
    assert len(closed) == 3
    assert db.session.scalar(select(func.count()).select_from(SalaryResult)) > 0
    assert closing.mismatches() == []
    supervisor = db.session.scalar(select(User).where(User.username == "supervisor"))
    raised = db.session.scalars(select(PlanOverride).where(PlanOverride.user_id == supervisor.id)).all()
    assert [(o.key, o.kind) for o in raised] == [("targets.team_points.target", "raise")]
    assert db.session.scalar(select(func.count()).select_from(SalaryAdjustment)) == 1
    assert db.session.scalar(select(func.count()).select_from(Candidate).where(Candidate.status == "hired")) == 1


def test_the_demo_has_a_chat_between_the_employee_and_her_supervisor(demo):
    from models.chats import ChatMessage
    from services.chats import lists

    authors = {message.author.username for message in db.session.scalars(select(ChatMessage))}
    assert authors == {"employee", "supervisor"}
    client_id = db.session.scalar(select(ChatMessage.client_id).limit(1))
    assert lists.unread_of(user("employee"), client_id) == 1
    assert lists.unread_of(user("supervisor"), client_id) == 0
