"""The tracker's trigger-kept counters: exact after every kind of change to cards, whoever makes it,
equal to a live count for every viewer and filter, rebuilt by the command, and their migration."""

from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from extensions import db
from models.cards.card import Card
from models.pipeline import StageCount, StageResponsible
from models.platform.user import User
from services import pipeline
from services.cards import board as card_board
from services.cards import counts as card_counts
from services.cards import operations as cards
from services.cards.board import BoardFilters, cards_pipeline
from services.platform import access
from tests.factories.cards import make_card, stage_of, walk_to
from tests.factories.platform import make_user


def live_counts(user, filters=BoardFilters()):
    """{stage_id: live cards} the user may see, counted from the cards themselves."""
    on_board = [s.id for s in cards_pipeline().stages if not s.is_final]
    query = select(Card.stage_id, func.count()).where(Card.deleted_at.is_(None), Card.stage_id.in_(on_board))
    for attr, value in (("agent_id", filters.agent_id), ("manager_id", filters.manager_id)):
        if value:
            query = query.where(getattr(Card, attr) == value)
    if user is not None:
        query = access.scope(user, query, Card)
    return dict(db.session.execute(query.group_by(Card.stage_id)).all())


def assert_exact(viewers):
    assert card_counts.mismatches() == {}
    assert card_board.counts(None) == live_counts(None)
    for user in viewers.values():
        assert card_board.counts(user) == live_counts(user), user.username
        for filters in (BoardFilters(agent_id=viewers["agent"].id), BoardFilters(manager_id=viewers["manager2"].id)):
            assert card_board.counts(user, filters) == live_counts(user, filters), (user.username, filters)


def test_counters_stay_exact_through_a_mix_of_changes(people, spread, banks):
    p = people
    outsider = make_user(role_code="agent")  # in nobody's team
    loose = make_card(agent=None, manager=None, accountant=None)
    stray = make_card(agent=outsider, manager=p["manager2"], accountant=None)
    assert_exact(p)

    # moves, up to the final stage (off the board)
    walk_to(spread["b1"], "engagement", p["owner"])
    walk_to(loose, "take_access", p["owner"])
    walk_to(spread["c1"], "archived", p["owner"])
    assert_exact(p)

    # a refused (stale) move changes nothing
    card = spread["a1"]
    with pytest.raises(pipeline.MoveError):
        pipeline.move(card, card.stage.allowed_targets[0], {}, p["owner"], card.version - 1)
    db.session.rollback()
    assert_exact(p)

    # the manager sees the outsider's card only once he is responsible for one of its stages
    stray_stage = f"stage_{stray.stage_id}"
    cards.set_responsibles(stray, {stray_stage: str(p["agent"].id)}, p["owner"], stray.version)
    assert_exact(p)
    walk_to(stray, "engagement", p["owner"])  # his responsibility follows the card over the board
    assert_exact(p)
    cards.set_responsibles(stray, {stray_stage: ""}, p["owner"], stray.version)
    assert_exact(p)

    # edits of the card's people, soft delete and restore, a hard delete
    spread["a2"].agent = outsider
    spread["b1"].accountant = None
    db.session.commit()
    assert_exact(p)
    spread["c2"].deleted_at = datetime(2026, 1, 1)
    db.session.commit()
    assert_exact(p)
    spread["c2"].deleted_at = None
    db.session.commit()
    assert_exact(p)
    db.session.delete(loose)
    db.session.commit()
    assert_exact(p)

    # statements outside the ORM (a job's bulk update, psql) are counted by the triggers too
    db.session.execute(sa.update(Card).where(Card.id == spread["a1"].id).values(stage_id=stage_of("fund_card").id))
    db.session.execute(
        sa.text("UPDATE cards SET manager_id = :m WHERE id = :id"), {"m": p["manager"].id, "id": stray.id}
    )
    db.session.execute(
        sa.insert(StageResponsible).values(
            subject_type="card", subject_id=spread["c2"].id, stage_id=spread["c2"].stage_id, user_id=p["agent"].id
        )
    )
    db.session.commit()
    assert_exact(p)
    db.session.execute(sa.delete(StageResponsible).where(StageResponsible.subject_id == spread["c2"].id))
    db.session.execute(sa.update(Card).where(Card.id == spread["b1"].id).values(deleted_at=datetime(2026, 2, 1)))
    db.session.commit()
    assert_exact(p)


def test_a_scoped_count_counts_a_card_once_whatever_makes_it_visible(people, spread):
    p = people
    card = spread["a1"]  # agent and manager already the manager's people
    raw = {f"stage_{stage.id}": str(p["agent2"].id) for stage in cards_pipeline().stages if not stage.is_final}
    cards.set_responsibles(card, raw, p["owner"], card.version)
    assert card_board.counts(p["manager"]) == live_counts(p["manager"])
    assert sum(card_board.counts(p["manager"]).values()) == 3


def test_the_command_finds_and_repairs_wrong_counters(app, people, spread):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["rebuild-card-counts", "--check"]).exit_code == 0
    db.session.execute(sa.update(StageCount).values(subjects=StageCount.subjects + 2))
    db.session.execute(sa.update(StageResponsible.__table__).values(subject_stage_id=None))
    db.session.commit()
    checked = runner.invoke(args=["rebuild-card-counts", "--check"])
    assert checked.exit_code != 0 and "differ" in checked.output
    rebuilt = runner.invoke(args=["rebuild-card-counts"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert card_counts.mismatches() == {}
    assert card_board.counts(people["owner"]) == live_counts(people["owner"])


def test_the_rebuild_and_its_check_are_not_cut_short_by_the_statement_timeout(app, people, spread):
    """They scan whole tables, which takes longer than a request's statements may on a large database:
    a counters' insert made slower than the connection's timeout stands in for that here."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("statement_timeout is a PostgreSQL setting")
    sleep = "BEGIN PERFORM pg_sleep(0.3); RETURN NULL; END"
    db.session.execute(sa.text(f"CREATE FUNCTION test_slow() RETURNS trigger LANGUAGE plpgsql AS $$ {sleep} $$"))
    db.session.execute(sa.text("CREATE TRIGGER test_slow AFTER INSERT ON stage_counts EXECUTE FUNCTION test_slow()"))
    db.session.commit()
    try:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SET statement_timeout = 100")
            connection.commit()
            with pytest.raises(sa.exc.OperationalError):
                connection.exec_driver_sql("SELECT pg_sleep(0.3)")  # what a request's statement gets
            connection.rollback()
            with Session(bind=connection) as session:
                assert card_counts.rebuild(session) > 0
                assert card_counts.mismatches(session) == {}
            connection.rollback()
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "100ms"  # lifted for a while
            connection.exec_driver_sql("RESET statement_timeout")
            connection.commit()
    finally:
        db.session.execute(sa.text("DROP TRIGGER test_slow ON stage_counts"))
        db.session.execute(sa.text("DROP FUNCTION test_slow()"))
        db.session.commit()


def test_the_migration_reverts_and_applies_again_on_existing_cards(app, people, spread):
    from flask_migrate import downgrade, upgrade

    p = people
    cards.set_responsibles(
        spread["c1"], {f"stage_{spread['c1'].stage_id}": str(p["agent"].id)}, p["owner"], spread["c1"].version
    )
    db.session.commit()
    expected = {p[name].id: live_counts(p[name]) for name in ("owner", "manager", "agent")}
    card_id, owner_id = spread["c1"].id, p["owner"].id
    db.session.remove()
    downgrade(directory="migrations", revision="b1c2d3e4f504")
    try:
        inspector = sa.inspect(db.engine)
        assert "card_stage_counts" not in inspector.get_table_names()
        assert "card_stage_id" not in {c["name"] for c in inspector.get_columns("card_responsibles")}
        assert "ix_cards_archive_id" not in {i["name"] for i in inspector.get_indexes("cards")}
    finally:
        upgrade(directory="migrations")
    assert "ix_cards_archive_id" in {i["name"] for i in sa.inspect(db.engine).get_indexes("cards")}
    assert card_counts.mismatches() == {}
    assert {user_id: card_board.counts(db.session.get(User, user_id)) for user_id in expected} == expected
    walk_to(db.session.get(Card, card_id), "engagement", db.session.get(User, owner_id))  # triggers are back
    assert card_counts.mismatches() == {}
