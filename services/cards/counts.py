"""The tracker's counters (`card_stage_counts`: live cards per stage, agent, manager, accountant),
`card_responsibles.card_stage_id` (the card's stage while it is live) and a card task's copy of its
card's people (`stage_tasks.card_agent_id`, …, on every task of the card).

Database triggers keep them in the transaction of every change to a card, its responsible people
or its tasks (migrations b1c2d3e4f505, b1c2d3e4f506, b1c2d3e4f509, b1c2d3e4f512). `rebuild()`
recomputes them from the cards — after a bulk load that bypassed the triggers (the bench
generator), or to repair; `mismatches()` compares them with the cards themselves.
"""

import click
from flask.cli import with_appcontext
from sqlalchemy import and_, func, literal, or_, select, text

from extensions import db
from models.cards.card import Card, CardResponsible, CardStageCount
from models.pipeline import StageTask
from services.platform.database import without_statement_timeout

KEY = ("stage_id", "agent_id", "manager_id", "accountant_id")


def _live_counts():
    columns = [Card.stage_id, *(func.coalesce(getattr(Card, name), literal(0)) for name in KEY[1:])]
    return select(*columns, func.count()).where(Card.deleted_at.is_(None)).group_by(*columns)


def _card_stage_of_responsible():
    return select(Card.stage_id).where(Card.id == CardResponsible.card_id, Card.deleted_at.is_(None)).scalar_subquery()


def _kept_and_real_people():
    """(the task's copy, the card's own) for each of the card's people."""
    return zip(StageTask.card_people(), Card.scope_people(), strict=True)


def _people_differ():
    return or_(*(kept.is_distinct_from(real) for kept, real in _kept_and_real_people()))


def rebuild(session=None):
    """Recompute every counter, card stage and card task's people in one transaction; returns the
    number of counter rows."""
    session = session or db.session
    without_statement_timeout(session)
    if session.get_bind().dialect.name == "postgresql":
        # Writers wait (readers do not) while both are recomputed: no change slips in between.
        session.execute(text("LOCK TABLE cards, card_responsibles, stage_tasks IN SHARE MODE"))
    session.execute(CardResponsible.__table__.update().values(card_stage_id=_card_stage_of_responsible()))
    # Only the tasks whose copy differs: millions of closed tasks are rewritten only when stale.
    of_card = {kept.key: real for kept, real in _kept_and_real_people()}
    tasks = StageTask.__table__
    session.execute(
        tasks.update().where(Card.id == tasks.c.subject_id, StageTask.of_cards(), _people_differ()).values(**of_card)
    )
    table = CardStageCount.__table__
    session.execute(table.delete())
    session.execute(table.insert().from_select([*KEY, "cards"], _live_counts()))
    rows = session.scalar(select(func.count()).select_from(table))
    session.commit()
    return rows


def mismatches(session=None):
    """{key: (kept, real)} wherever a counter, a responsible's card stage or a card task's people differ
    from the cards; {} when exact. Counter keys are (stage, agent, manager, accountant); responsibles'
    are ("responsible", card, stage); tasks' ("card task", task id) with (agent, manager, accountant)."""
    session = session or db.session
    without_statement_timeout(session)
    real = {tuple(row[:4]): row[4] for row in session.execute(_live_counts())}
    kept = {
        (row.stage_id, row.agent_id, row.manager_id, row.accountant_id): row.cards
        for row in session.execute(select(CardStageCount.__table__))
    }
    wrong = {
        key: (kept.get(key, 0), real.get(key, 0))
        for key in set(real) | set(kept)
        if kept.get(key, 0) != real.get(key, 0)
    }
    responsibles = CardResponsible.__table__
    stale = session.execute(
        select(responsibles.c.card_id, responsibles.c.stage_id, responsibles.c.card_stage_id, Card.stage_id)
        .outerjoin(Card, and_(Card.id == responsibles.c.card_id, Card.deleted_at.is_(None)))
        .where(
            or_(
                responsibles.c.card_stage_id != Card.stage_id,
                and_(responsibles.c.card_stage_id.is_(None), Card.stage_id.is_not(None)),
                and_(responsibles.c.card_stage_id.is_not(None), Card.stage_id.is_(None)),
            )
        )
    )
    for card_id, stage_id, card_stage_id, actual in stale:
        wrong[("responsible", card_id, stage_id)] = (card_stage_id, actual)
    stale_tasks = session.execute(
        select(StageTask.id, *StageTask.card_people(), *Card.scope_people())
        .join(Card, Card.id == StageTask.subject_id)
        .where(StageTask.of_cards(), _people_differ())
    )
    for task_id, *people in stale_tasks:
        wrong[("card task", task_id)] = (tuple(people[:3]), tuple(people[3:]))
    return wrong


@click.command("rebuild-card-counts")
@click.option("--check", is_flag=True, help="Only compare the counters with a real count.")
@with_appcontext
def rebuild_card_counts_command(check):
    """Recompute the tracker's per-stage card counters from the cards."""
    if check:
        wrong = mismatches()
        for key, (kept, real) in sorted(wrong.items(), key=str):
            click.echo(f"{key}: {kept} kept, {real} real")
        if wrong:
            raise click.ClickException(f"{len(wrong)} counters differ from the cards")
        click.echo("card counters are exact")
        return
    click.echo(f"card counters rebuilt: {rebuild()} rows")


def init_app(app):
    app.cli.add_command(rebuild_card_counts_command)
