"""Cards against a real database: money to the cent, creation onto the pipeline and responsible
people per stage. The lists are in test_card_lists.py, transactions in test_transactions.py; the
fixtures (`staff`) in conftest.py."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from extensions import db
from models.pipeline import StageTask
from services.cards import operations as cards
from services.platform import money
from tests.factories.cards import new_card

D = Decimal


# --- money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "rounded"),
    [
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        ("1.005", "1.01"),
        ("2.675", "2.68"),
        ("1.0049999", "1.00"),
        ("999999999999.995", "1000000000000.00"),
        ("-0.005", "-0.01"),
    ],
)
def test_rounding_is_half_up_to_the_cent(raw, rounded):
    assert money.round_money(D(raw)) == D(rounded)
    assert str(money.round_money(D(raw))) == rounded


@pytest.mark.parametrize(
    ("amount", "kind", "rate", "commission"),
    [
        ("0.50", "percent", "1.00", "0.01"),  # 0.005 → 0.01
        ("0.49", "percent", "1.00", "0.00"),  # 0.0049 → 0.00
        ("100.50", "percent", "1.00", "1.01"),  # 1.005 → 1.01
        ("1000.00", "percent", "2.50", "25.00"),
        ("33.33", "percent", "33.33", "11.11"),  # 11.108889
        ("999999999999.99", "percent", "100.00", "999999999999.99"),
        ("999999999999.99", "percent", "1.50", "15000000000.00"),  # 14999999999.9998485
        ("123.45", "fixed", "25.00", "25.00"),
        ("0.01", "fixed", "0.00", "0.00"),
    ],
)
def test_commission_by_percent_or_fixed(amount, kind, rate, commission):
    assert money.commission_of(D(amount), kind, D(rate)) == D(commission)


def test_card_figures_sign_the_amounts_and_subtract_the_commission():
    rows = [
        SimpleNamespace(type="top_up", amount=D("1000.00"), commission=D("10.00")),
        SimpleNamespace(type="work_off", amount=D("250.55"), commission=D("2.51")),
        SimpleNamespace(type="fee", amount=D("15.00"), commission=D("0.00")),
        SimpleNamespace(type="refund", amount=D("100.10"), commission=D("1.00")),
    ]
    figures = money.card_figures(rows)
    assert figures.total == D("1135.45")
    assert figures.commission == D("13.51")
    assert figures.profit == D("1121.94")
    assert money.card_figures([]) == money.CardFigures(D("0.00"), D("0.00"), D("0.00"))
    only_out = money.card_figures([SimpleNamespace(type="refund", amount=D("5.00"), commission=D("0.05"))])
    assert (only_out.total, only_out.profit) == (D("-5.00"), D("-5.05"))


@pytest.mark.parametrize("raw", ["", "abc", "1.005", "-5", "1e400", "NaN", "1000000000000.00"])
def test_bad_money_input_is_refused(raw):
    with pytest.raises(money.MoneyError):
        money.parse_money(raw)


def test_money_input_accepts_spaces_and_comma():
    assert money.parse_money("1 234,5") == D("1234.50")
    assert money.parse_money("\u00a0999999999999.99") == D("999999999999.99")


# --- creation and responsible people -------------------------------------------------------------


def test_a_new_card_stands_on_the_first_stage_with_its_first_task(staff):
    card = new_card(staff)
    first = cards.cards_pipeline().stages[0]
    assert (card.stage_id, card.bucket, card.pipeline_id) == (first.id, first.bucket, first.pipeline_id)
    task = db.session.scalar(select(StageTask).where(StageTask.subject_type == "card", StageTask.subject_id == card.id))
    assert task.seq == 1 and task.stage_id == first.id and task.closed_at is None
    assert task.assignee_id == staff["agent"].id  # the first stage is the agent's


def test_a_per_stage_choice_overrides_the_role_default_and_moves_the_open_task(staff):
    card = new_card(staff)
    first = card.stage
    rows = {row.stage.code: row for row in cards.responsible_rows(card)}
    assert rows["linking_access"].default_user.id == staff["agent"].id
    assert rows["promo_top_up"].default_user.id == staff["accountant"].id
    assert "archived" not in rows
    cards.set_responsibles(card, {f"stage_{first.id}": str(staff["agent2"].id)}, staff["owner"], card.version)
    assert card.responsible_for(first) == staff["agent2"].id
    assert db.session.scalar(select(StageTask.assignee_id).where(StageTask.subject_id == card.id)) == staff["agent2"].id
    cards.set_responsibles(card, {f"stage_{first.id}": ""}, staff["owner"], card.version)
    assert card.responsible_for(first) == staff["agent"].id
    assert db.session.scalar(select(StageTask.assignee_id).where(StageTask.subject_id == card.id)) == staff["agent"].id


@pytest.mark.parametrize(
    ("key", "value", "status"),
    [("stage_999999", "1", 400), ("stage_x", "1", 400), ("STAGE", "", None), ("stage_{first}", "abc", 400)],
)
def test_bad_responsible_choices_are_refused(staff, key, value, status):
    card = new_card(staff)
    key = key.replace("{first}", str(card.stage_id))
    if status is None:
        cards.set_responsibles(card, {key: value}, staff["owner"], card.version)  # ignored, no harm
        return
    with pytest.raises(cards.CardError) as refused:
        cards.set_responsibles(card, {key: value}, staff["owner"], card.version)
    assert refused.value.status == status


def test_responsibles_need_edit_rights_and_a_fresh_version(staff):
    card = new_card(staff)
    raw = {f"stage_{card.stage_id}": str(staff["agent2"].id)}
    with pytest.raises(cards.CardError) as refused:
        cards.set_responsibles(card, raw, staff["agent"], card.version)
    assert refused.value.status == 403
    with pytest.raises(cards.CardError) as stale:
        cards.set_responsibles(card, raw, staff["owner"], card.version - 1)
    assert stale.value.status == 409
