"""Ordinary tasks: who may assign to whom, status moves, visibility, the tabs' filters and the
auto-tasks history of the pipeline."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from extensions import db
from models.base import utcnow
from models.pipeline import StageTask
from models.platform.audit import ChangeLog
from models.tasks.task import Task, TaskComment
from services import pipeline
from services.tasks import auto_tasks
from services.tasks import lists as task_lists
from services.tasks import operations as tasks
from tests.factories.cards import card_number, make_card, shown_number, stage_of, walk_to
from tests.factories.platform import make_office, make_user, place


@pytest.fixture
def team():
    """An owner, an administrator, two managers (heads of department) each with his own agent."""
    office = make_office()
    people = {
        "owner": make_user(role_code="owner", full_name="Olena Owner"),
        "administrator": make_user(role_code="administrator", full_name="Adam Admin"),
        "manager": make_user(role_code="manager", full_name="Mykola Manager"),
        "agent": make_user(role_code="agent", full_name="Anna Agent"),
        "manager2": make_user(role_code="manager", full_name="Marko Other"),
        "agent2": make_user(role_code="agent", full_name="Bohdan Theirs"),
    }
    boss = place(people["manager"], office, "head_of_department")
    place(people["agent"], office, "employee", boss=boss)
    boss2 = place(people["manager2"], office, "head_of_department")
    place(people["agent2"], office, "employee", boss=boss2)
    return people


def new_task(by, to, title="Call the bank", deadline=None, **extra):
    return tasks.create(
        by, title=title, description="", assignee_id=to.id, deadline=deadline or utcnow() + timedelta(days=1), **extra
    )


def task_count():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Task))


def ids(query):
    return [task.id for task in db.session.scalars(query)]


# --- assignment rules ------------------------------------------------------------------------------


def test_assignable_people_follow_the_hierarchy(team):
    names = lambda user: {u.full_name for u in tasks.assignable_users(user)}  # noqa: E731
    assert names(team["agent"]) == {"Anna Agent"}
    assert names(team["manager"]) == {"Mykola Manager", "Anna Agent"}
    everyone = {u.full_name for u in team.values()}
    assert names(team["owner"]) == everyone
    assert names(team["administrator"]) == everyone


def test_blocked_people_are_not_offered(team):
    team["agent"].is_blocked = True
    db.session.commit()
    assert team["agent"] not in tasks.assignable_users(team["manager"])


@pytest.mark.parametrize(("author", "assignee"), [("agent", "agent2"), ("agent", "manager"), ("manager", "agent2")])
def test_nobody_sets_tasks_to_peers_or_other_teams(team, author, assignee):
    with pytest.raises(tasks.TaskError) as refused:
        new_task(team[author], team[assignee])
    assert refused.value.status == 400 and "assignee_id" in refused.value.errors
    db.session.rollback()
    assert task_count() == 0


@pytest.mark.parametrize(
    ("author", "assignee"),
    [("agent", "agent"), ("manager", "agent"), ("owner", "agent2"), ("administrator", "manager2")],
)
def test_self_subordinates_or_anyone_by_grant(team, author, assignee):
    task = new_task(team[author], team[assignee])
    assert (task.author_id, task.assignee_id, task.status) == (team[author].id, team[assignee].id, "new")


def test_bad_fields_are_refused_together_and_nothing_is_saved(team):
    with pytest.raises(tasks.TaskError) as refused:
        tasks.create(team["agent"], title=" ", description="x" * 5000, assignee_id="abc", deadline="tomorrow")
    assert set(refused.value.errors) == {"title", "description", "assignee_id", "deadline"}
    db.session.rollback()
    assert task_count() == 0


def test_a_task_links_only_a_card_in_the_authors_scope(team):
    mine = make_card(agent=team["agent"], number=card_number(2039))
    theirs = make_card(agent=team["agent2"], number=card_number(2040))
    assert tasks.card_choices(team["agent"], "2039") == [(mine.id, f"{shown_number(2039)} — Test Contact")]
    assert tasks.card_choices(team["agent"], "2040") == []  # the picker offers his own cards only
    with pytest.raises(tasks.TaskError) as refused:
        new_task(team["agent"], team["agent"], card_id=theirs.id)
    assert "card" in refused.value.errors
    db.session.rollback()
    assert new_task(team["agent"], team["agent"], card_id=mine.id).card_id == mine.id


# --- status moves and comments ---------------------------------------------------------------------


def test_the_responsible_takes_into_work_and_finishes_and_each_change_is_logged(team):
    task = new_task(team["manager"], team["agent"])
    with pytest.raises(tasks.TaskError) as refused:
        tasks.set_status(task, "in_work", team["manager"], task.version)  # the author does not do the work
    assert refused.value.status == 403
    with pytest.raises(tasks.TaskError):
        tasks.set_status(task, "done", team["agent"], task.version)  # not before it is in work
    tasks.set_status(task, "in_work", team["agent"], task.version)
    tasks.set_status(task, "done", team["agent"], task.version)
    assert task.status == "done" and task.closed_at is not None
    assert tasks.allowed_statuses(team["agent"], task) == []
    changes = db.session.scalars(
        select(ChangeLog.new_value).where(
            ChangeLog.entity == "tasks", ChangeLog.entity_id == str(task.id), ChangeLog.field == "status"
        )
    ).all()
    assert changes == ["in_work", "done"]


def test_author_or_responsible_cancel_nobody_else(team):
    first, second = new_task(team["manager"], team["agent"]), new_task(team["manager"], team["agent"])
    with pytest.raises(tasks.TaskError):
        tasks.set_status(first, "cancelled", team["owner"], first.version)
    tasks.set_status(first, "cancelled", team["manager"], first.version)
    tasks.set_status(second, "cancelled", team["agent"], second.version)
    assert (first.status, second.status) == ("cancelled", "cancelled")


def test_a_stale_status_change_is_a_conflict(team):
    task = new_task(team["agent"], team["agent"])
    with pytest.raises(tasks.TaskError) as refused:
        tasks.set_status(task, "in_work", team["agent"], task.version + 1)
    assert refused.value.status == 409
    with pytest.raises(tasks.TaskError):
        tasks.set_status(task, "nonsense", team["agent"], task.version)


def test_comments_are_kept_and_empty_ones_refused(team):
    task = new_task(team["manager"], team["agent"])
    with pytest.raises(tasks.TaskError):
        tasks.comment(task, team["agent"], "   ")
    tasks.comment(task, team["agent"], "On it")
    assert [(c.author_id, c.body) for c in db.session.scalars(select(TaskComment))] == [(team["agent"].id, "On it")]


def test_the_author_edits_an_open_task_within_his_assignment_rights(team):
    task = new_task(team["manager"], team["agent"])
    values = {"title": "New title", "description": "d", "deadline": task.deadline, "card_id": None}
    with pytest.raises(tasks.TaskError) as refused:
        tasks.update(task, team["agent"], task.version, assignee_id=team["agent"].id, **values)
    assert refused.value.status == 403
    with pytest.raises(tasks.TaskError):
        tasks.update(task, team["manager"], task.version, assignee_id=team["agent2"].id, **values)
    db.session.rollback()
    tasks.update(task, team["manager"], task.version, assignee_id=team["manager"].id, **values)
    assert (task.title, task.assignee_id) == ("New title", team["manager"].id)


# --- who sees what ----------------------------------------------------------------------------------


def test_a_task_is_seen_by_its_parties_their_leaders_and_the_owner(team):
    task = new_task(team["agent"], team["agent"])
    for name in ("agent", "manager", "owner"):
        assert tasks.get_visible(team[name], task.id) == task, name
    for name in ("agent2", "manager2"):
        assert tasks.get_visible(team[name], task.id) is None, name
    for garbage in ("abc", "0", "-1", "9" * 30, None):
        assert tasks.get_visible(team["owner"], garbage) is None


def test_the_all_tab_is_the_owners(team):
    with pytest.raises(tasks.TaskError) as refused:
        task_lists.task_query(team["administrator"], "all", {})
    assert refused.value.status == 403
    with pytest.raises(tasks.TaskError) as refused:
        task_lists.task_query(team["owner"], "nope", {})
    assert refused.value.status == 400


def test_tabs_incoming_outgoing_all(team):
    given = new_task(team["manager"], team["agent"])
    own = new_task(team["agent"], team["agent"])
    other = new_task(team["manager2"], team["agent2"])
    assert ids(task_lists.task_query(team["agent"], "incoming", {})) == [own.id, given.id]
    assert ids(task_lists.task_query(team["agent"], "outgoing", {})) == [own.id]
    assert ids(task_lists.task_query(team["manager"], "outgoing", {})) == [given.id]
    assert ids(task_lists.task_query(team["owner"], "all", {})) == [other.id, own.id, given.id]


# --- filters and colours ------------------------------------------------------------------------------


@pytest.fixture
def spread(team):
    """Tasks of every state for the owner's all tab."""
    now = utcnow()
    made = {
        "new": new_task(team["manager"], team["agent"], "new one"),
        "overdue": new_task(team["manager"], team["agent"], "late one", deadline=now - timedelta(hours=1)),
        "in_work": new_task(team["agent"], team["agent"], "busy one"),
        "done": new_task(team["manager2"], team["agent2"], "done one"),
    }
    tasks.set_status(made["in_work"], "in_work", team["agent"], made["in_work"].version)
    tasks.set_status(made["done"], "in_work", team["agent2"], made["done"].version)
    tasks.set_status(made["done"], "done", team["agent2"], made["done"].version)
    made["done"].created_at = datetime(2020, 1, 10, 12, 0)
    db.session.commit()
    return made


def test_each_state_has_its_colour(spread):
    now = utcnow()
    assert {name: task.state(now) for name, task in spread.items()} == {
        "new": "new",
        "overdue": "overdue",
        "in_work": "in_work",
        "done": "done",
    }
    classes = {state: tasks.STATE_CLASSES[state] for state in ("overdue", "in_work", "done", "new")}
    assert classes == {"overdue": "table-danger", "in_work": "table-warning", "done": "table-success", "new": ""}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"status": "in_work"}, {"in_work"}),
        ({"status": "new"}, {"new", "overdue"}),
        ({"overdue": "1"}, {"overdue"}),
        ({"author": "manager"}, {"new", "overdue"}),
        ({"responsible": "agent2"}, {"done"}),
        ({"from": "2020-01-10", "to": "2020-01-10"}, {"done"}),
        ({"to": "2020-01-09"}, set()),
        ({"from": "2020-01-11"}, {"new", "overdue", "in_work"}),
    ],
)
def test_each_filter_of_the_task_tabs(team, spread, args, expected):
    args = {k: str(team[v].id) if k in ("author", "responsible") else v for k, v in args.items()}
    found = set(ids(task_lists.task_query(team["owner"], "all", args)))
    assert found == {spread[name].id for name in expected}


@pytest.mark.parametrize(
    "args", [{"from": "2026-13-01"}, {"author": "abc"}, {"responsible": "9" * 30}, {"status": "lost"}, {"before": "x"}]
)
def test_malformed_filters_are_a_400_with_the_field(team, args):
    with pytest.raises(tasks.TaskError) as refused:
        task_lists.task_query(team["owner"], "all", args)
    assert refused.value.status == 400 and set(refused.value.errors) == set(args)


def test_pages_are_fetched_by_keyset_without_a_count(team):
    made = [new_task(team["agent"], team["agent"], f"t{i}") for i in range(5)]
    page, next_before = task_lists.task_page(
        team["agent"], "incoming", task_lists.TaskFilters.from_args({}), page_size=2
    )
    assert [t.id for t in page] == [made[4].id, made[3].id] and next_before == made[3].id
    filters = task_lists.TaskFilters.from_args({"before": str(next_before)})
    page, next_before = task_lists.task_page(team["agent"], "incoming", filters, page_size=3)
    assert [t.id for t in page] == [made[2].id, made[1].id, made[0].id] and next_before is None


# --- auto-tasks -------------------------------------------------------------------------------------------


@pytest.fixture
def walked(team):
    """The agent's card walked to "take_access" (three closed steps, one open); another team's card."""
    mine = make_card(agent=team["agent"], manager=team["manager"], accountant=team["owner"], number=card_number(2039))
    theirs = make_card(agent=team["agent2"], manager=team["manager2"], number=card_number(2040))
    walk_to(mine, "take_access", team["owner"])
    return {"mine": mine, "theirs": theirs}


def auto(user, **args):
    return db.session.scalars(auto_tasks.auto_task_query(user, args)).unique().all()


def test_auto_tasks_are_scoped_to_the_users_cards(team, walked):
    mine, theirs = walked["mine"].id, walked["theirs"].id
    assert {t.subject_id for t in auto(team["agent"])} == {mine}
    assert {t.subject_id for t in auto(team["owner"])} == {mine, theirs}
    assert auto(team["agent2"], card=str(mine)) == []


def test_one_cards_history_reads_in_order_with_the_entered_values(team, walked):
    steps = auto(team["agent"], card=str(walked["mine"].id))
    assert [t.seq for t in steps] == [1, 2, 3, 4]
    assert [t.stage.code for t in steps] == ["linking_access", "promo_top_up", "engagement", "take_access"]
    labels = [label for label, _text in pipeline.entered_values(steps[0].values, steps[0].stage.fields)]
    assert labels == [spec.label for spec in stage_of("linking_access").fields if spec.name in steps[0].values]
    assert pipeline.entered_values(steps[3].values, steps[3].stage.fields) == []  # the open step has no values yet


@pytest.mark.parametrize(
    ("args", "expected_seqs"),
    [
        ({"seq": "2"}, [2]),
        ({"state": "open"}, [4]),
        ({"state": "closed"}, [3, 2, 1]),
        ({"state": "overdue"}, []),
        ({"state": "late"}, []),
    ],
)
def test_auto_task_filters(team, walked, args, expected_seqs):
    found = auto(team["agent"], **args)
    assert [t.seq for t in found] == expected_seqs


def test_auto_task_filters_by_stage_responsible_and_period(team, walked):
    engagement = stage_of("engagement")
    assert [t.stage_id for t in auto(team["owner"], stage=str(engagement.id))] == [engagement.id]
    by_agent = auto(team["owner"], responsible=str(team["agent"].id))
    assert {t.stage.code for t in by_agent} == {"linking_access", "engagement"}
    today = datetime.now().date()
    assert len(auto(team["owner"], **{"from": (today - timedelta(days=1)).isoformat()})) == 5
    assert auto(team["owner"], to=(today - timedelta(days=2)).isoformat()) == []


def test_overdue_stage_tasks(team, walked):
    open_task = db.session.scalar(
        select(StageTask).where(StageTask.subject_id == walked["mine"].id, StageTask.closed_at.is_(None))
    )
    open_task.deadline = utcnow() - timedelta(days=1)
    db.session.commit()
    assert [t.id for t in auto(team["agent"], state="overdue")] == [open_task.id]


@pytest.mark.parametrize("args", [{"seq": "x"}, {"card": "-1"}, {"stage": "²"}, {"after": "junk"}, {"state": "?"}])
def test_malformed_auto_filters_are_a_400(team, args):
    with pytest.raises(tasks.TaskError) as refused:
        auto_tasks.auto_task_query(team["owner"], args)
    assert refused.value.status == 400


def test_auto_tasks_need_the_cards_permission(team):
    intern = make_user(full_name="Ivan Intern")
    place(intern, make_office(), "intern")
    with pytest.raises(tasks.TaskError) as refused:
        auto_tasks.auto_task_query(intern, {})
    assert refused.value.status == 403


def test_auto_task_pages_by_keyset(team, walked):
    first, cursor = auto_tasks.auto_task_page(team["owner"], auto_tasks.AutoFilters.from_args({}), page_size=3)
    rest, end = auto_tasks.auto_task_page(
        team["owner"], auto_tasks.AutoFilters.from_args({"after": cursor}), page_size=3
    )
    assert len(first) == 3 and cursor and len(rest) == 2 and end is None
    assert not {t.id for t in first} & {t.id for t in rest}
