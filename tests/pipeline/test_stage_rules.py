"""Stage rules of the engine as the desk uses them: fields required on another field's answer, a move
that needs an answer, the bank check's in-stage step, money fields that book the card's transactions,
and the one check of a pipeline's definition shared by the editor and the loader."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from extensions import db
from models.base import utcnow
from models.cards.card import Card, Transaction
from models.cards.directory import Bank
from seeds.demo_cards import sample_values
from seeds.pipeline_loader import load_pipeline
from services import pipeline
from services.pipeline import moves as pipeline_moves
from services.pipeline import spec
from services.pipeline.calendar import end_of_next_business_day
from tests.factories.cards import make_card, snapshot, stage_of, tasks_of, walk_to

NO_ANSWER = {"answer_received": "no"}


def _bank(percent):
    bank = Bank(name="PercentBank", commission_percent=Decimal(percent))
    db.session.add(bank)
    db.session.commit()
    return bank


@pytest.fixture
def at_bank_check(team):
    card = make_card(agent=team["agent"], manager=team["manager"], accountant=team["accountant"])
    walk_to(card, "bank_check", team["owner"])
    return card


def test_no_answer_yet_keeps_the_card_on_the_bank_check_due_the_next_working_day(team, at_bank_check):
    card = at_bank_check
    before = tasks_of(card)[-1]
    # What the modal hides for "no" (the answer's date, prefilled with today, and text) is not kept.
    values = {**NO_ANSWER, "answer_date": "2026-12-07", "answer_text": "will call back"}
    result = pipeline.step(card, values, team["manager"], card.version)
    db.session.expire_all()
    fresh = db.session.get(Card, card.id)
    *_, closed, opened = tasks_of(fresh)
    assert fresh.stage.code == "bank_check" and fresh.bank_answer_date is None
    assert closed.id == before.id and closed.values == {"answer_received": "no"}
    assert closed.moved_to_stage_id == closed.stage_id == opened.stage_id
    assert opened.closed_at is None and opened.seq == closed.seq + 1 and opened.assignee_id == closed.assignee_id
    assert opened.deadline == end_of_next_business_day(closed.closed_at) > utcnow()
    assert result.version == fresh.version > card.version or fresh.version > 1


def test_a_step_with_a_stale_version_changes_nothing(team, at_bank_check):
    card = at_bank_check
    before = snapshot(card)
    with pytest.raises(pipeline.MoveError) as stale:
        pipeline.step(card, NO_ANSWER, team["manager"], card.version - 1)
    assert stale.value.status == 409 and snapshot(card) == before


def test_a_stage_without_a_step_refuses_one(team, card):
    with pytest.raises(pipeline.MoveError) as refused:
        pipeline.step(card, {}, team["owner"], card.version)
    assert refused.value.status == 400


def test_answer_no_cannot_move_the_card_on_and_needs_no_date_or_text(team, at_bank_check):
    card = at_bank_check
    before = snapshot(card)
    with pytest.raises(pipeline.MoveError) as refused:
        pipeline.move(card, stage_of("return_to_supplier"), NO_ANSWER, team["manager"], card.version)
    assert refused.value.status == 422
    assert set(refused.value.errors) == {"answer_received"}  # not the date and text: not required for "no"
    assert snapshot(card) == before


def test_answer_yes_needs_its_date_and_text_then_moves_and_dates_the_answer(team, at_bank_check):
    card = at_bank_check
    with pytest.raises(pipeline.MoveError) as refused:
        pipeline.move(card, stage_of("return_to_supplier"), {"answer_received": "yes"}, team["manager"], card.version)
    assert set(refused.value.errors) == {"answer_date", "answer_text"}
    answer = {"answer_received": "yes", "answer_date": "2026-12-01", "answer_text": "approved"}
    pipeline.move(card, stage_of("return_to_supplier"), answer, team["manager"], card.version)
    fresh = db.session.get(Card, card.id)
    assert fresh.stage.code == "return_to_supplier" and fresh.bank_answer_date == date(2026, 12, 1)


def test_a_top_up_amount_becomes_a_transaction_with_the_banks_commission(team):
    bank = _bank("2.00")
    card = make_card(agent=team["agent"], manager=team["manager"], accountant=team["accountant"], bank=bank)
    walk_to(card, "promo_top_up", team["owner"])
    values = {"amount": "1 250.50", "topped_up_on": "2026-12-02"}
    pipeline.move(card, stage_of("engagement"), values, team["accountant"], card.version)
    [booked] = db.session.scalars(select(Transaction).where(Transaction.card_id == card.id)).all()
    assert (booked.type, booked.amount, booked.date) == ("top_up", Decimal("1250.50"), date(2026, 12, 2))
    assert (booked.commission_kind, booked.commission_rate, booked.commission) == (
        "percent",
        Decimal("2.00"),
        Decimal("25.01"),
    )
    assert booked.stage_id == stage_of("promo_top_up").id


def test_a_zero_top_up_is_refused_on_its_field_and_nothing_is_booked_or_moved(team):
    card = make_card(agent=team["agent"], manager=team["manager"], accountant=team["accountant"])
    walk_to(card, "promo_top_up", team["owner"])
    before = snapshot(card)
    with pytest.raises(pipeline.MoveError) as refused:
        pipeline.move(
            card,
            stage_of("engagement"),
            {"amount": "0", "topped_up_on": "2026-12-02"},
            team["accountant"],
            card.version,
        )
    assert refused.value.status == 422 and set(refused.value.errors) == {"amount"}
    assert snapshot(card) == before
    assert db.session.scalar(select(Transaction.id).where(Transaction.card_id == card.id)) is None


def test_the_funding_amount_books_too(team):
    card = make_card(agent=team["agent"], manager=team["manager"], accountant=team["accountant"])
    walk_to(card, "fund_card", team["owner"])
    pipeline.move(
        card,
        stage_of("work_off"),
        {"amount": "300", "funded_on": (date.today() - timedelta(days=1)).isoformat()},
        team["accountant"],
        card.version,
    )
    amounts = db.session.scalars(select(Transaction.amount).where(Transaction.card_id == card.id)).all()
    assert Decimal("300.00") in amounts


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ([{"name": "a", "type": "text", "required_if": "b=yes"}], "a", "choice field"),
        (
            [
                {"name": "b", "type": "choice", "choices": "yes|Так"},
                {"name": "a", "type": "text", "required_if": "b=no"},
            ],
            "a",
            "choices",
        ),
        ([{"name": "a", "type": "text", "required_if": "b yes"}], "a", "field=value"),
        (
            [{"name": "a", "type": "text", "books": "top_up", "books_on": "d"}, {"name": "d", "type": "date"}],
            "a",
            "money",
        ),
        ([{"name": "a", "type": "money", "books": "top_up", "books_on": "x"}], "a", "date field"),
        ([{"name": "a", "type": "choice"}], "a", "choices"),
        ([{"name": "A b", "type": "text"}], "A b", "lowercase"),
        ([{"name": "a", "type": "text"}, {"name": "a", "type": "date"}], "a", "share a name"),
        ([{"name": "a", "type": "colour"}], "a", "Unknown"),
        ([{"name": "to", "type": "text"}], "to", "kept for conditions"),
        ([{"name": "a", "type": "text", "required_if": "to=elsewhere"}], "a", "moves to"),
    ],
)
def test_the_definition_check_names_the_field_and_the_problem(app, fields, field, words):
    with app.test_request_context(), force_locale("en"):
        problems = spec.check_fields(fields)
        assert field in problems and words in str(problems[field])


def test_a_good_definition_passes_and_moves_stay_in_their_pipeline():
    fields = [
        {"name": "answer", "type": "choice", "choices": "yes|Так\nno|Ні"},
        {"name": "when", "type": "date", "required_if": "answer=yes"},
        {"name": "amount", "type": "money", "books": "top_up", "books_on": "when"},
    ]
    assert spec.check_fields(fields) == {}
    assert spec.check_moves({1, 2}, [(2, "answer=yes")], fields) == {}
    assert "2" in spec.check_moves({1, 3}, [(2, None)], fields)


def test_a_field_may_be_asked_on_the_move_to_one_stage_but_a_move_cannot_be_conditioned_so():
    fields = [{"name": "reason", "type": "text", "required_if": "to=lost"}]
    assert spec.check_fields(fields, targets={"lost", "next"}) == {}
    assert "reason" in spec.check_fields(fields, targets={"next"})
    assert "2" in spec.check_moves({1, 2}, [(2, "to=lost")], fields)


def test_the_loader_refuses_a_definition_the_check_refuses():
    bad = {
        "code": "broken",
        "names": {"uk": "Зламаний"},
        "subject": "card",
        "permissions": {"view": "cards.view", "move": "cards.move", "move_any": "cards.move_any"},
        "stages": [
            {
                "code": "one",
                "names": {"uk": "Один"},
                "fields": [{"name": "x", "type": "text", "required_if": "y=1", "labels": {"uk": "X"}}],
            }
        ],
    }
    with pytest.raises(ValueError, match="broken/one"):
        load_pipeline(bad)
    db.session.rollback()


def test_the_sample_values_of_the_demo_still_walk_a_card_to_the_archive(team):
    card = make_card(agent=team["agent"], manager=team["manager"], accountant=team["accountant"])
    walk_to(card, "archived", team["owner"])
    assert db.session.get(Card, card.id).bucket == "archive"
    assert sample_values(stage_of("bank_check"))["answer_received"] == "yes"


def test_a_move_back_is_the_owners_correction_asks_for_nothing_and_books_nothing(team):
    card = make_card(agent=team["agent"], manager=team["manager"], accountant=team["accountant"])
    walk_to(card, "promo_top_up", team["owner"])
    back = stage_of("linking_access")
    assert [s.code for s in card.stage.send_back_targets] == ["linking_access"]
    with pytest.raises(pipeline.MoveError) as refused:
        pipeline.move(card, back, {}, team["agent"], card.version)
    assert refused.value.status == 403
    booked = db.session.scalars(select(Transaction).where(Transaction.card_id == card.id)).all()
    pipeline.move(card, back, {"amount": "999.00", "topped_up_on": "2026-12-02"}, team["owner"], card.version)
    db.session.commit()
    fresh = db.session.get(Card, card.id)
    *_, closed, opened = tasks_of(fresh)
    assert fresh.stage.code == "linking_access" and opened.stage_id == back.id and opened.closed_at is None
    assert closed.values == {} and closed.moved_to_stage_id == back.id
    assert db.session.scalars(select(Transaction).where(Transaction.card_id == card.id)).all() == booked
    assert back.id not in pipeline.allowed_moves("cards").get(stage_of("promo_top_up").id, [])  # no drop back


def test_the_mover_undoes_his_move_and_what_it_booked_within_the_window(team):
    from datetime import timedelta as td

    card = make_card(agent=team["agent"], manager=team["manager"], accountant=team["accountant"])
    walk_to(card, "promo_top_up", team["owner"])
    before = tasks_of(card)[-1]
    pipeline.move(card, stage_of("engagement"), {"amount": "100.00", "topped_up_on": "2026-12-02"}, team["accountant"],
                  card.version)  # fmt: skip
    db.session.commit()
    assert len(db.session.scalars(select(Transaction).where(Transaction.card_id == card.id)).all()) == 1
    with pytest.raises(pipeline.MoveError) as someone_else:
        pipeline.undo(card, team["owner"], card.version)  # not his move
    assert someone_else.value.status == 409
    db.session.rollback()
    pipeline.undo(card, team["accountant"], card.version)
    db.session.commit()
    fresh = db.session.get(Card, card.id)
    *_, moved, undone, back = tasks_of(fresh)
    assert fresh.stage.code == "promo_top_up" and back.stage_id == before.stage_id and back.closed_at is None
    assert (back.assignee_id, back.deadline) == (before.assignee_id, before.deadline)
    assert undone.moved_to_stage_id == before.stage_id and moved.moved_to_stage_id == undone.stage_id
    assert db.session.scalars(select(Transaction).where(Transaction.card_id == card.id)).all() == []
    # Once is enough, and never after the window.
    with pytest.raises(pipeline.MoveError):
        pipeline.undo(fresh, team["accountant"], fresh.version)
    db.session.rollback()
    fresh = db.session.get(Card, card.id)
    pipeline.move(fresh, stage_of("engagement"), {"amount": "5.00", "topped_up_on": "2026-12-02"}, team["accountant"],
                  fresh.version)  # fmt: skip
    db.session.commit()
    late = utcnow() + td(seconds=pipeline_moves.UNDO_SECONDS + 1)
    with pytest.raises(pipeline.MoveError):
        pipeline.undo(fresh, team["accountant"], fresh.version, now=late)


@pytest.mark.parametrize(
    ("now", "skip_weekends", "due"),
    [
        ("2026-12-07 12:33", False, "2026-12-08 22:00"),  # a Monday afternoon in Kyiv: the end of Tuesday
        ("2026-12-07 23:30", False, "2026-12-09 22:00"),  # past midnight in Kyiv it is Tuesday: the end of Wednesday
        ("2026-12-11 12:00", False, "2026-12-12 22:00"),  # a Friday: the end of Saturday
        ("2026-12-11 12:00", True, "2026-12-14 22:00"),  # a Friday, weekends skipped: the end of Monday
    ],
)
def test_check_again_tomorrow_leaves_the_whole_next_working_day(app, now, skip_weekends, due):
    app.config["ROLLOVER_SKIP_WEEKENDS"] = skip_weekends
    try:
        assert end_of_next_business_day(datetime.fromisoformat(now)) == datetime.fromisoformat(due)
    finally:
        app.config["ROLLOVER_SKIP_WEEKENDS"] = False
