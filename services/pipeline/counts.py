"""The engine's tables that a subject's triggers keep (models/pipeline/subject_ddl.py): the board's
counters (`stage_counts`), the chosen responsibles' subject stage (`stage_responsibles`) and every
task's copy of its subject's people (`stage_tasks.person_N_id`).

`rebuild(subject)` recomputes them from one subject type's rows — after a bulk load that bypassed the
triggers (the bench generator), or to repair; `mismatches(subject)` compares them with the rows."""

from sqlalchemy import and_, func, literal, or_, select, text

from extensions import db
from models.pipeline import Pipeline, Stage, StageCount, StageResponsible, StageTask
from services.platform.database import without_statement_timeout


def _slots(subject):
    """(the engine's slot column, the subject's own column) for each of its people."""
    return list(zip(StageTask.people(), subject.scope_people(), strict=False))


def _live_counts(subject):
    people = [func.coalesce(column, literal(0)) for column in subject.scope_people()]
    people += [literal(0)] * (len(StageCount.people()) - len(people))
    columns = [subject.stage_id, *people]
    return select(*columns, func.count()).where(subject.deleted_at.is_(None)).group_by(*columns)


def _stages_of(subject):
    return (
        select(Stage.id)
        .join(Pipeline, Pipeline.id == Stage.pipeline_id)
        .where(Pipeline.subject_type == subject.__subject_type__)
    )


def _responsibles_of(subject):
    return StageResponsible.subject_type == subject.__subject_type__


def _people_differ(subject):
    return or_(*(kept.is_distinct_from(real) for kept, real in _slots(subject)))


def rebuild(subject, session=None):
    """Recompute the subject type's counters, responsibles' stages and tasks' people in the caller's
    transaction (the caller commits); returns the number of its counter rows."""
    session = session or db.session
    without_statement_timeout(session)
    if session.get_bind().dialect.name == "postgresql":
        # Writers wait (readers do not) while all is recomputed: no change slips in between.
        session.execute(text(f"LOCK TABLE {subject.__tablename__}, stage_responsibles, stage_tasks IN SHARE MODE"))
    stage_now = (
        select(subject.stage_id)
        .where(subject.id == StageResponsible.subject_id, subject.deleted_at.is_(None))
        .scalar_subquery()
    )
    session.execute(
        StageResponsible.__table__.update().where(_responsibles_of(subject)).values(subject_stage_id=stage_now)
    )
    # Only the tasks whose copy differs: millions of closed tasks are rewritten only when stale.
    tasks = StageTask.__table__
    session.execute(
        tasks.update()
        .where(
            subject.id == tasks.c.subject_id, StageTask.of_subject(subject.__subject_type__), _people_differ(subject)
        )
        .values(**{kept.key: real for kept, real in _slots(subject)})
    )
    counts = StageCount.__table__
    session.execute(counts.delete().where(counts.c.stage_id.in_(_stages_of(subject))))
    keys = ["stage_id", *(column.key for column in StageCount.people()), "subjects"]
    session.execute(counts.insert().from_select(keys, _live_counts(subject)))
    return session.scalar(select(func.count()).select_from(counts).where(counts.c.stage_id.in_(_stages_of(subject))))


def mismatches(subject, session=None):
    """{key: (kept, real)} wherever a counter, a responsible's subject stage or a task's people differ
    from the subject's rows; {} when exact. Counter keys are (stage, person 1, person 2, person 3);
    responsibles' ("responsible", subject id, stage); tasks' ("<type> task", task id) with the people."""
    session = session or db.session
    without_statement_timeout(session)
    real = {tuple(row[:4]): row[4] for row in session.execute(_live_counts(subject))}
    kept = {
        (row.stage_id, row.person_1_id, row.person_2_id, row.person_3_id): row.subjects
        for row in session.execute(select(StageCount.__table__).where(StageCount.stage_id.in_(_stages_of(subject))))
    }
    wrong = {
        key: (kept.get(key, 0), real.get(key, 0))
        for key in set(real) | set(kept)
        if kept.get(key, 0) != real.get(key, 0)
    }
    responsibles = StageResponsible.__table__
    stale = session.execute(
        select(responsibles.c.subject_id, responsibles.c.stage_id, responsibles.c.subject_stage_id, subject.stage_id)
        .outerjoin(subject, and_(subject.id == responsibles.c.subject_id, subject.deleted_at.is_(None)))
        .where(
            responsibles.c.subject_type == subject.__subject_type__,
            or_(
                responsibles.c.subject_stage_id != subject.stage_id,
                and_(responsibles.c.subject_stage_id.is_(None), subject.stage_id.is_not(None)),
                and_(responsibles.c.subject_stage_id.is_not(None), subject.stage_id.is_(None)),
            ),
        )
    )
    for subject_id, stage_id, kept_stage, actual in stale:
        wrong[("responsible", subject_id, stage_id)] = (kept_stage, actual)
    slots = _slots(subject)
    stale_tasks = session.execute(
        select(StageTask.id, *(kept for kept, _ in slots), *(real for _, real in slots))
        .join(subject, subject.id == StageTask.subject_id)
        .where(StageTask.of_subject(subject.__subject_type__), _people_differ(subject))
    )
    for task_id, *people in stale_tasks:
        wrong[(f"{subject.__subject_type__} task", task_id)] = (
            tuple(people[: len(slots)]),
            tuple(people[len(slots) :]),
        )
    return wrong
