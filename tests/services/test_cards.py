"""Cards against a real database: money to the cent, creation onto the pipeline, responsible people
per stage, and the lists (scope, archive filters, keyset pages without a COUNT). Transactions are in
test_card_transactions.py."""

from contextlib import contextmanager
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from extensions import db
from models.card import Card, CardResponsible
from models.directory import Bank, Contractor
from models.pipeline import Stage, StageTask
from services import card_lists, cards, money
from tests.factories import make_user

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


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def team():
    return {
        "owner": make_user(role_code="owner", full_name="Olena Owner"),
        "accountant": make_user(role_code="accountant", full_name="Anna Accountant"),
        "accountant2": make_user(role_code="accountant", full_name="Boris Accountant"),
        "manager": make_user(role_code="manager", full_name="Maria Manager"),
        "manager2": make_user(role_code="manager", full_name="Mykola Manager"),
        "agent": make_user(role_code="agent", full_name="Andrii Agent"),
        "agent2": make_user(role_code="agent", full_name="Bohdan Agent"),
    }


@pytest.fixture
def directory():
    banks = [
        Bank(name="PercentBank", commission_percent=D("1.50")),
        Bank(name="FixedBank", commission_fixed=D("25.00")),
        Bank(name="FreeBank"),
    ]
    suppliers = [Contractor(name="Supplier One"), Contractor(name="Supplier Two")]
    db.session.add_all(banks + suppliers)
    db.session.commit()
    return SimpleNamespace(banks=banks, suppliers=suppliers)


def stage(code):
    return db.session.scalar(select(Stage).where(Stage.pipeline_id == cards.cards_pipeline().id, Stage.code == code))


def put_on(card, code):
    """Stand the card on a stage directly (the tracker's moves are tested elsewhere)."""
    target = stage(code)
    card.stage, card.bucket = target, target.bucket
    db.session.commit()
    return card


_numbers = {"n": 0}


def new_card(team, agent="agent", manager="manager", accountant="accountant", **fields):
    _numbers["n"] += 1
    fields.setdefault("number", f"4441 {_numbers['n']:06d}")
    fields.setdefault("contact_name", "Test Contact")
    return cards.create(
        by=team["owner"],
        agent=team.get(agent),
        manager=team.get(manager),
        accountant=team.get(accountant),
        **fields,
    )


TX = {"date": "2026-03-01", "type": "top_up", "amount": "1000.50", "commission_kind": "percent", "commission_rate": "1"}


# --- creation and responsible people -------------------------------------------------------------


def test_a_new_card_stands_on_the_first_stage_with_its_first_task(team):
    card = new_card(team)
    first = cards.cards_pipeline().stages[0]
    assert (card.stage_id, card.bucket, card.pipeline_id) == (first.id, first.bucket, first.pipeline_id)
    task = db.session.scalar(select(StageTask).where(StageTask.subject_type == "card", StageTask.subject_id == card.id))
    assert task.seq == 1 and task.stage_id == first.id and task.closed_at is None
    assert task.assignee_id == team["agent"].id  # the first stage is the agent's


def test_a_per_stage_choice_overrides_the_role_default_and_moves_the_open_task(team):
    card = new_card(team)
    first = card.stage
    rows = {row.stage.code: row for row in cards.responsible_rows(card)}
    assert rows["linking_access"].default_user.id == team["agent"].id
    assert rows["promo_top_up"].default_user.id == team["accountant"].id
    assert "archived" not in rows
    cards.set_responsibles(card, {f"stage_{first.id}": str(team["agent2"].id)}, team["owner"], card.version)
    assert card.responsible_for(first) == team["agent2"].id
    assert db.session.scalar(select(StageTask.assignee_id).where(StageTask.subject_id == card.id)) == team["agent2"].id
    cards.set_responsibles(card, {f"stage_{first.id}": ""}, team["owner"], card.version)
    assert card.responsible_for(first) == team["agent"].id
    assert db.session.scalar(select(StageTask.assignee_id).where(StageTask.subject_id == card.id)) == team["agent"].id


@pytest.mark.parametrize(
    ("key", "value", "status"),
    [("stage_999999", "1", 400), ("stage_x", "1", 400), ("STAGE", "", None), ("stage_{first}", "abc", 400)],
)
def test_bad_responsible_choices_are_refused(team, key, value, status):
    card = new_card(team)
    key = key.replace("{first}", str(card.stage_id))
    if status is None:
        cards.set_responsibles(card, {key: value}, team["owner"], card.version)  # ignored, no harm
        return
    with pytest.raises(cards.CardError) as refused:
        cards.set_responsibles(card, {key: value}, team["owner"], card.version)
    assert refused.value.status == status


def test_responsibles_need_edit_rights_and_a_fresh_version(team):
    card = new_card(team)
    raw = {f"stage_{card.stage_id}": str(team["agent2"].id)}
    with pytest.raises(cards.CardError) as refused:
        cards.set_responsibles(card, raw, team["agent"], card.version)
    assert refused.value.status == 403
    with pytest.raises(cards.CardError) as stale:
        cards.set_responsibles(card, raw, team["owner"], card.version - 1)
    assert stale.value.status == 409


# --- lists ---------------------------------------------------------------------------------------


@contextmanager
def statements():
    seen = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement.lower())

    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)


def test_tabs_hold_their_bucket_newest_first_within_the_scope(team):
    a = new_card(team)
    b = new_card(team, agent="agent2", manager="manager2", accountant="accountant2")
    c = put_on(new_card(team), "engagement")
    assert [r.id for r in card_lists.tab_rows(team["owner"], "new")[0]] == [b.id, a.id]
    assert [r.id for r in card_lists.tab_rows(team["agent"], "new")[0]] == [a.id]
    assert [r.id for r in card_lists.tab_rows(team["agent2"], "new")[0]] == [b.id]
    assert [r.id for r in card_lists.tab_rows(team["owner"], "in_work")[0]] == [c.id]
    row = card_lists.tab_rows(team["agent"], "new")[0][0]
    assert (row.agent, row.manager, row.accountant) == ("Andrii Agent", "Maria Manager", "Anna Accountant")


def test_a_small_tab_says_when_there_are_more_than_it_shows(team):
    made = [new_card(team).id for _ in range(4)]
    rows, more = card_lists.tab_rows(team["owner"], "new", limit=3)
    assert [r.id for r in rows] == made[::-1][:3] and more
    assert card_lists.tab_rows(team["owner"], "new", limit=4)[1] is False


@pytest.fixture
def archive(team, directory):
    bank1, bank2, _ = directory.banks
    s1, s2 = directory.suppliers

    def archived(**fields):
        return put_on(new_card(team, **fields), "archived")

    return {
        "ivan": archived(
            number="5168 0001", contact_name="Іван Петренко", contact_phone="+380671112233", bank=bank1, contractor=s1
        ),
        "olga": archived(
            number="5168 0002", contact_name="Olga Tkachenko", contact_phone="+380509998877", bank=bank2, contractor=s2
        ),
        "other": archived(
            number="4149 0003",
            contact_name="Petro 100%_Sure",
            contact_phone="+380631234567",
            bank=bank2,
            contractor=s1,
            agent="agent2",
            manager="manager2",
            accountant="accountant2",
        ),
        "live": new_card(team, number="5168 0004", contact_name="Olga Live"),
    }


def _found(user, **args):
    filters = card_lists.ArchiveFilters.from_args({k: str(v) for k, v in args.items()})
    assert not filters.errors
    rows, _next = card_lists.archive_page(user, filters)
    return {row.number for row in rows}


def test_archive_filters_each_find_the_right_cards(team, directory, archive):
    owner = team["owner"]
    bank1, bank2, _ = directory.banks
    s1, s2 = directory.suppliers
    assert _found(owner) == {"5168 0001", "5168 0002", "4149 0003"}  # never the live card
    assert _found(owner, number="5168") == {"5168 0001", "5168 0002"}
    assert _found(owner, number="5168 0002") == {"5168 0002"}
    assert _found(owner, number="0002") == set()  # a prefix, not a substring
    assert _found(owner, contact="Петренко") == {"5168 0001"}
    assert _found(owner, contact="olga") == {"5168 0002"}
    assert _found(owner, contact="999887") == {"5168 0002"}  # phone substring
    assert _found(owner, contact="100%_") == {"4149 0003"}  # wildcards are literal
    assert _found(owner, contact="%") == {"4149 0003"}
    assert _found(owner, bank=bank2.id) == {"5168 0002", "4149 0003"}
    assert _found(owner, supplier=s1.id) == {"5168 0001", "4149 0003"}
    assert _found(owner, agent=team["agent2"].id) == {"4149 0003"}
    assert _found(owner, manager=team["manager"].id) == {"5168 0001", "5168 0002"}
    assert _found(owner, accountant=team["accountant2"].id) == {"4149 0003"}
    assert _found(owner, bank=bank2.id, supplier=s2.id) == {"5168 0002"}
    assert _found(owner, bank=bank1.id, contact="olga") == set()
    assert _found(team["agent"]) == {"5168 0001", "5168 0002"}  # scope applies too
    assert _found(team["agent"], agent=team["agent2"].id) == set()


def test_a_filter_on_one_of_the_users_own_people_needs_no_scope_and_finds_the_same(team, directory, archive):
    agent, other = team["agent"], team["agent2"]
    with statements() as seen:
        assert _found(agent, agent=agent.id) == {"5168 0001", "5168 0002"}
    # His own card is his by its agent: the page query carries no scope subquery.
    assert not [statement for statement in seen if "from cards" in statement and "card_responsibles" in statement]
    with statements() as seen:
        assert _found(agent, agent=other.id) == set()  # another agent's: the scope still decides
    assert [statement for statement in seen if "from cards" in statement and "card_responsibles" in statement]
    assert _found(agent, manager=team["manager"].id) == {"5168 0001", "5168 0002"}


def test_a_filter_on_someone_outside_the_scope_finds_what_the_scope_allows(team, directory, archive, monkeypatch):
    """The branches of _unseen_person_rows find exactly the cards the scope's OR finds, page by page."""
    bank1, bank2, _ = directory.banks
    archived = {
        "managed": put_on(new_card(team, agent="agent2", manager="manager", accountant="accountant2", bank=bank1), "archived"),
        "counted": put_on(new_card(team, agent="agent2", manager="manager2", accountant="accountant", bank=bank2), "archived"),
        "named": put_on(new_card(team, agent="agent2", manager="manager2", accountant="accountant2", bank=bank2), "archived"),
        "gone": put_on(new_card(team, agent="agent2", manager="manager", accountant="accountant", bank=bank1), "archived"),
        "live": new_card(team, agent="agent2", manager="manager", accountant="accountant", bank=bank1),
    }  # fmt: skip
    named = archived["named"]
    db.session.add(CardResponsible(card_id=named.id, stage_id=stage("bank_check").id, user_id=team["agent"].id))
    archived["gone"].deleted_at = named.created_at
    db.session.commit()

    def pages(user, **args):
        """Every page of the filter, one card a page: the numbers in order."""
        found, after = [], None
        while True:
            filters = card_lists.ArchiveFilters.from_args(
                {k: str(v) for k, v in (args | {"after": after}).items() if v}
            )
            rows, after = card_lists.archive_page(user, filters, page_size=1)
            found += [row.number for row in rows]
            if after is None:
                return found

    cases = [
        ("agent", {"agent": team["agent2"].id}),
        ("manager", {"agent": team["agent2"].id}),
        ("accountant", {"agent": team["agent2"].id}),
        ("accountant2", {"agent": team["agent2"].id}),
        ("agent", {"manager": team["manager2"].id}),
        ("manager", {"accountant": team["accountant2"].id}),
        ("manager", {"agent": team["agent2"].id, "bank": bank1.id}),
        ("accountant2", {"agent": team["agent2"].id, "manager": team["manager2"].id}),
    ]
    unseen = {}
    for viewer, args in cases:
        unseen[(viewer, str(args))] = pages(team[viewer], **args)
    monkeypatch.setattr(card_lists, "_by_someone_unseen", lambda *_args: False)
    for viewer, args in cases:
        assert unseen[(viewer, str(args))] == pages(team[viewer], **args), (viewer, args)
    number = {key: card.number for key, card in archived.items()}
    assert unseen[("agent", str(cases[0][1]))] == [number["named"]]  # his by responsibility only
    assert unseen[("manager", str(cases[1][1]))] == [number["managed"]]
    assert set(unseen[("accountant2", str(cases[3][1]))]) == {number["managed"], number["named"], "4149 0003"}


@pytest.mark.parametrize(
    "args",
    [
        {"bank": "abc"},
        {"agent": "-1"},
        {"manager": "1.5"},
        {"accountant": "9" * 19},
        {"supplier": "0"},
        {"after": "x"},
        {"number": "1" * 33},
        {"contact": "c" * 161},
    ],
)
def test_malformed_archive_filters_are_errors(args):
    filters = card_lists.ArchiveFilters.from_args(args)
    assert set(filters.errors) == set(args)


def test_archive_pages_by_keyset_without_counting(team):
    made = [put_on(new_card(team), "archived").id for _ in range(7)]
    newest_first = made[::-1]
    with statements() as seen:
        page1, after = card_lists.archive_page(team["owner"], card_lists.ArchiveFilters(), page_size=3)
        page2, after2 = card_lists.archive_page(team["owner"], card_lists.ArchiveFilters(after=after), page_size=3)
        page3, after3 = card_lists.archive_page(team["owner"], card_lists.ArchiveFilters(after=after2), page_size=3)
    assert [r.id for r in page1] == newest_first[:3] and after == newest_first[2]
    assert [r.id for r in page2] == newest_first[3:6] and after2 == newest_first[5]
    assert [r.id for r in page3] == newest_first[6:] and after3 is None
    assert not any("count(" in statement for statement in seen)
    card_queries = [statement for statement in seen if "from cards" in statement]
    assert len(card_queries) == 3 and all("limit" in statement for statement in card_queries)


@pytest.mark.parametrize("walk", [1, 3, 5, 100])
def test_a_contact_search_pages_newest_first_across_its_two_steps(team, monkeypatch, walk):
    """Whatever part of the archive the newest-first walk covers, the index step finds the older
    matches: the same rows, in the same order, page after page."""
    monkeypatch.setattr(card_lists, "CONTACT_WALK", walk)
    names = ["Ткачук Оксана", "Other", "Other", "Ткачук Ірина", "Other", "Ткачук Петро", "Other", "Другий Ткачук"]
    made = [put_on(new_card(team, contact_name=name), "archived") for name in names]
    expected = [card.id for card in reversed(made) if "Ткачук" in card.contact_name]
    seen, after = [], None
    while True:
        filters = card_lists.ArchiveFilters.from_args({"contact": "Ткачук", "after": str(after or "")})
        rows, after = card_lists.archive_page(team["owner"], filters, page_size=2)
        seen += [row.id for row in rows]
        if after is None:
            break
    assert seen == expected


def test_an_exactly_full_last_page_has_no_next(team):
    for _ in range(3):
        put_on(new_card(team), "archived")
    rows, after = card_lists.archive_page(team["owner"], card_lists.ArchiveFilters(), page_size=3)
    assert len(rows) == 3 and after is None


def test_deleted_cards_are_in_no_list(team):
    card = new_card(team)
    put_on(new_card(team), "archived").deleted_at = card.created_at
    card.deleted_at = card.created_at
    db.session.commit()
    assert card_lists.tab_rows(team["owner"], "new")[0] == []
    assert card_lists.archive_page(team["owner"], card_lists.ArchiveFilters())[0] == []
    assert db.session.scalar(select(sa.func.count()).select_from(Card)) == 2
