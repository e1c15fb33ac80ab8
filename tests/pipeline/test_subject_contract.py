"""The engine's contract, run for every subject: cards, clients, and parcels (a subject that exists only in the
tests, tests/pipeline/parcel_subject.py). Whatever travels through a pipeline gets the same start,
moves, kept counters, chosen responsibles, task copies of its people, scope rule, permissions and
periodic steps — from its declaration alone."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from jobs.pipeline import open_periodic_stage_tasks, roll_bank_check_deadlines
from models.base import utcnow
from models.cards.card import Card
from models.clients import Client
from models.pipeline import StageResponsible, StageTask
from seeds.demo_cards import sample_values
from services import pipeline
from services.cards.board import cards_pipeline
from services.pipeline import counts
from services.platform import access
from tests import factories
from tests.factories.cards import make_card
from tests.factories.clients import clients_pipeline, make_client
from tests.pipeline import parcel_subject
from tests.pipeline.parcel_subject import Parcel


@dataclass
class Case:
    model: type
    pipeline: object
    roles: tuple  # the subject's people roles, in slot order
    make: object  # make(people by role) → a subject on the first stage with its first task

    @property
    def stages(self):
        return self.pipeline.stages

    def people(self):
        return {role: factories.make_user(role_code=role) for role in self.roles}

    def mover(self):
        """Someone who may move any of the pipeline's subjects."""
        return factories.make_user(role_code="dispatcher" if self.model is Parcel else "owner")

    def values(self, stage):
        return {} if self.model is Parcel else sample_values(stage)


def _make_parcel(board):
    def make(people, **fields):
        first = board.stages[0]
        parcel = Parcel(
            label=fields.pop("label", "P-1"),
            courier_id=people["courier"].id if "courier" in people else None,
            dispatcher_id=people["dispatcher"].id if "dispatcher" in people else None,
            pipeline_id=board.id,
            stage_id=first.id,
            **fields,
        )
        db.session.add(parcel)
        pipeline.start(parcel, first)
        db.session.commit()
        return parcel

    return make


@pytest.fixture
def parcel_table(app):
    """The parcels' table and triggers for one test: left in place, they would stand in the way of
    the migration tests that take the engine's tables down and up again."""
    parcel_subject.create_table(db.engine)
    yield
    db.session.remove()
    parcel_subject.drop_table(db.engine)


@pytest.fixture(params=["card", "client", "parcel"])
def case(request):
    if request.param == "card":
        board = cards_pipeline()
        return Case(Card, board, ("agent", "manager", "accountant"), lambda people: make_card(**people))
    if request.param == "client":
        return Case(Client, clients_pipeline(), ("employee",), lambda people: make_client(**people))
    request.getfixturevalue("parcel_table")
    board = parcel_subject.make_pipeline()
    return Case(Parcel, board, ("courier", "dispatcher"), _make_parcel(board))


def _tasks(subject):
    return db.session.scalars(
        sa.select(StageTask)
        .where(StageTask.subject_type == subject.__subject_type__, StageTask.subject_id == subject.id)
        .order_by(StageTask.seq)
    ).all()


def _copies(task_id, slots):
    row = db.session.execute(sa.select(*StageTask.people()).where(StageTask.id == task_id)).one()
    return tuple(row[:slots])


def _own_people(subject):
    return tuple(getattr(subject, column) for column in subject.__people__.values())


def test_start_opens_the_first_task_for_the_stages_person_with_the_subjects_people(case):
    people = case.people()
    subject = case.make(people)
    first = case.stages[0]
    [task] = _tasks(subject)
    assert (task.stage_id, task.seq, task.closed_at) == (first.id, 1, None)
    assert task.assignee_id == people[first.responsible_role].id
    assert _copies(task.id, len(case.roles)) == _own_people(subject)
    assert counts.mismatches(case.model) == {}


def test_a_move_closes_the_task_with_its_values_and_opens_the_next(case):
    people = case.people()
    subject = case.make(people)
    first, second = case.stages[0], case.stages[1]
    result = pipeline.move(subject, second, case.values(first), case.mover(), subject.version)
    closed, opened = _tasks(subject)
    assert closed.closed_at is not None and closed.moved_to_stage_id == second.id and closed.values == result.values
    assert (opened.stage_id, opened.seq, opened.assignee_id) == (second.id, 2, people[second.responsible_role].id)
    assert _copies(closed.id, len(case.roles)) == _copies(opened.id, len(case.roles)) == _own_people(subject)
    assert db.session.get(case.model, subject.id).stage_id == second.id
    assert counts.mismatches(case.model) == {}


def test_a_stale_version_or_a_move_not_allowed_is_refused_and_changes_nothing(case):
    subject = case.make(case.people())
    mover = case.mover()
    before = [(t.id, t.closed_at) for t in _tasks(subject)]
    with pytest.raises(pipeline.MoveError) as stale:
        pipeline.move(subject, case.stages[1], case.values(case.stages[0]), mover, subject.version - 1)
    with pytest.raises(pipeline.MoveError) as skipped:
        pipeline.move(subject, case.stages[-1], case.values(case.stages[0]), mover, subject.version)
    assert (stale.value.status, skipped.value.status) == (409, 400)
    db.session.expire_all()
    assert [(t.id, t.closed_at) for t in _tasks(subject)] == before
    assert db.session.get(case.model, subject.id).stage_id == case.stages[0].id


def test_the_counters_and_copies_follow_every_change_whatever_makes_it(case):
    people = case.people()
    subjects = [case.make(people) for _ in range(3)]
    newcomer = factories.make_user(role_code=case.roles[0])
    table = case.model.__table__
    first_column = next(iter(case.model.__people__.values()))
    # statements outside the ORM (a job's bulk update, psql) are kept by the triggers too
    db.session.execute(table.update().where(table.c.id == subjects[0].id).values({first_column: newcomer.id}))
    db.session.execute(
        table.update().where(table.c.id == subjects[1].id).values(stage_id=case.stages[1].id, deleted_at=None)
    )
    db.session.execute(table.update().where(table.c.id == subjects[2].id).values(deleted_at=utcnow()))
    db.session.commit()
    assert counts.mismatches(case.model) == {}
    assert _copies(_tasks(subjects[0])[0].id, 1) == (newcomer.id,)
    db.session.execute(table.delete().where(table.c.id == subjects[1].id))
    db.session.commit()
    assert counts.mismatches(case.model) == {}


def test_a_chosen_responsible_takes_the_stage_follows_the_subject_and_goes_with_it(case):
    people = case.people()
    subject = case.make(people)
    second = case.stages[1]
    substitute = factories.make_user(role_code=second.responsible_role)
    subject.choose_responsible(second.id, substitute.id)
    db.session.commit()
    assert subject.responsible_for(second) == substitute.id
    pipeline.move(subject, second, case.values(case.stages[0]), case.mover(), subject.version)
    assert _tasks(subject)[-1].assignee_id == substitute.id
    kept = sa.select(StageResponsible.subject_stage_id).where(
        StageResponsible.subject_type == subject.__subject_type__, StageResponsible.subject_id == subject.id
    )
    assert db.session.scalar(kept) == second.id
    table = case.model.__table__
    db.session.execute(table.delete().where(table.c.id == subject.id))
    db.session.commit()
    assert db.session.scalar(kept) is None


def test_the_scope_rule_sees_the_subject_through_its_people_and_chosen_responsibles(case):
    people = case.people()
    subject = case.make(people)
    stranger = factories.make_user(role_code=case.roles[0])

    def seen_by(user):
        visible = sa.select(sa.literal(user.id))
        in_sql = db.session.scalar(sa.select(case.model.id).where(case.model.scope_clause(visible)))
        by_task = db.session.scalar(
            sa.select(StageTask.subject_id).where(
                StageTask.of_subject(case.model.__subject_type__), StageTask.scope_clause_for(case.model, visible)
            )
        )
        loaded = db.session.get(case.model, subject.id).seen_among({user.id})
        assert (in_sql == subject.id) == (by_task == subject.id) == loaded
        return loaded

    assert all(seen_by(person) for person in people.values())
    assert not seen_by(stranger)
    subject.choose_responsible(case.stages[1].id, stranger.id)
    db.session.commit()
    assert seen_by(stranger)


def test_moves_and_the_board_follow_the_pipelines_own_permissions(case):
    people = case.people()
    subject = case.make(people)
    rules = pipeline.pipeline_rules(case.pipeline.id)
    assert (rules.subject_type, rules.view_permission) == (case.model.__subject_type__, case.pipeline.view_permission)
    assignee = db.session.get(type(people[case.stages[0].responsible_role]), _tasks(subject)[0].assignee_id)
    mover = access.can(assignee, rules.move_permission) or access.can(assignee, rules.move_any_permission)
    assert pipeline.may_move(assignee, subject, _tasks(subject)[0]) == mover
    outsider = factories.make_user(role_code={Card: "intern", Client: "agent"}.get(case.model, "agent"))
    assert not access.can(outsider, rules.move_permission)
    assert not pipeline.may_move(outsider, subject, _tasks(subject)[0])
    with pytest.raises(pipeline.MoveError) as refused:
        pipeline.move(subject, case.stages[1], case.values(case.stages[0]), outsider, subject.version)
    assert refused.value.status == 403


def test_the_periodic_renewal_and_the_deadline_roll_over_run_for_the_subject(case):
    subject = case.make(case.people())
    first = case.stages[0]
    first.periodic_interval_days = 1
    first.deadline_rollover = True
    db.session.commit()
    later = utcnow() + timedelta(days=2)
    assert open_periodic_stage_tasks(now=later) >= 1
    closed, renewed = _tasks(subject)
    assert closed.closed_at == later and renewed.period_key and renewed.stage_id == first.id
    assert open_periodic_stage_tasks(now=later) == 0  # the same period again: nothing more
    db.session.execute(
        sa.update(StageTask).where(StageTask.id == renewed.id).values(deadline=later - timedelta(days=3))
    )
    db.session.commit()
    assert roll_bank_check_deadlines(now=later) >= 1
    db.session.expire_all()
    assert db.session.get(StageTask, renewed.id).deadline > later
