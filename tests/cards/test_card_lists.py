"""The lists of the cards section against a real database: the small tabs within the scope, and
the archive's filters and keyset pages (never a COUNT), including a filter by someone outside the
viewer's scope."""

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from extensions import db
from models.cards.card import Card
from services.cards import lists as card_lists
from tests.factories.cards import card_number, new_card, put_on, shown_number, stage_of
from tests.sql_capture import capture_sql


def test_tabs_hold_their_bucket_newest_first_within_the_scope(staff):
    a = new_card(staff)
    b = new_card(staff, agent="agent2", manager="manager2", accountant="accountant2")
    c = put_on(new_card(staff), "engagement")
    assert [r.id for r in card_lists.tab_rows(staff["owner"], "new")[0]] == [b.id, a.id]
    assert [r.id for r in card_lists.tab_rows(staff["agent"], "new")[0]] == [a.id]
    assert [r.id for r in card_lists.tab_rows(staff["agent2"], "new")[0]] == [b.id]
    assert [r.id for r in card_lists.tab_rows(staff["owner"], "in_work")[0]] == [c.id]
    row = card_lists.tab_rows(staff["agent"], "new")[0][0]
    assert (row.agent, row.manager, row.accountant) == ("Andrii Agent", "Maria Manager", "Anna Accountant")


def test_a_small_tab_says_when_there_are_more_than_it_shows(staff):
    made = [new_card(staff).id for _ in range(4)]
    rows, more = card_lists.tab_rows(staff["owner"], "new", limit=3)
    assert [r.id for r in rows] == made[::-1][:3] and more
    assert card_lists.tab_rows(staff["owner"], "new", limit=4)[1] is False


@pytest.fixture
def archive(staff, directory):
    bank1, bank2, _ = directory.banks
    s1, s2 = directory.suppliers

    def archived(**fields):
        return put_on(new_card(staff, **fields), "archived")

    return {
        "ivan": archived(
            number=card_number(2014),
            contact_name="Іван Петренко",
            contact_phone="+380671112233",
            bank=bank1,
            contractor=s1,
        ),
        "olga": archived(
            number=card_number(2015),
            contact_name="Olga Tkachenko",
            contact_phone="+380509998877",
            bank=bank2,
            contractor=s2,
        ),
        "other": archived(
            number=card_number(2012, first6="414900"),
            contact_name="Petro 100%_Sure",
            contact_phone="+380631234567",
            bank=bank2,
            contractor=s1,
            agent="agent2",
            manager="manager2",
            accountant="accountant2",
        ),
        "live": new_card(staff, number=card_number(2016), contact_name="Olga Live"),
    }


def _found(user, **args):
    filters = card_lists.ArchiveFilters.from_args({k: str(v) for k, v in args.items()})
    assert not filters.errors
    rows, _next = card_lists.archive_page(user, filters)
    return {row.number for row in rows}


def test_archive_filters_each_find_the_right_cards(staff, directory, archive):
    owner = staff["owner"]
    bank1, bank2, _ = directory.banks
    s1, s2 = directory.suppliers
    assert _found(owner) == {
        shown_number(2014),
        shown_number(2015),
        shown_number(2012, first6="414900"),
    }  # never the live card
    assert _found(owner, number="2015") == {shown_number(2015)}  # the last four (more: test_card_numbers.py)
    assert _found(owner, contact="Петренко") == {shown_number(2014)}
    assert _found(owner, contact="olga") == {shown_number(2015)}
    assert _found(owner, contact="999887") == {shown_number(2015)}  # phone substring
    assert _found(owner, contact="100%_") == {shown_number(2012, first6="414900")}  # wildcards are literal
    assert _found(owner, contact="%") == {shown_number(2012, first6="414900")}
    assert _found(owner, bank=bank2.id) == {shown_number(2015), shown_number(2012, first6="414900")}
    assert _found(owner, supplier=s1.id) == {shown_number(2014), shown_number(2012, first6="414900")}
    assert _found(owner, agent=staff["agent2"].id) == {shown_number(2012, first6="414900")}
    assert _found(owner, manager=staff["manager"].id) == {shown_number(2014), shown_number(2015)}
    assert _found(owner, accountant=staff["accountant2"].id) == {shown_number(2012, first6="414900")}
    assert _found(owner, bank=bank2.id, supplier=s2.id) == {shown_number(2015)}
    assert _found(owner, bank=bank1.id, contact="olga") == set()
    assert _found(staff["agent"]) == {shown_number(2014), shown_number(2015)}  # scope applies too
    assert _found(staff["agent"], agent=staff["agent2"].id) == set()


def test_a_filter_on_one_of_the_users_own_people_needs_no_scope_and_finds_the_same(staff, directory, archive):
    agent, other = staff["agent"], staff["agent2"]
    with capture_sql() as sql:
        assert _found(agent, agent=agent.id) == {shown_number(2014), shown_number(2015)}
    # His own card is his by its agent: the page query carries no scope subquery.
    assert not [statement for statement in sql.from_table("cards") if "stage_responsibles" in statement]
    with capture_sql() as sql:
        assert _found(agent, agent=other.id) == set()  # another agent's: the scope still decides
    assert [statement for statement in sql.from_table("cards") if "stage_responsibles" in statement]
    assert _found(agent, manager=staff["manager"].id) == {shown_number(2014), shown_number(2015)}


def test_a_filter_on_someone_outside_the_scope_finds_what_the_scope_allows(staff, directory, archive, monkeypatch):
    """The branches of _scope_branch_rows find exactly the cards the scope's OR finds, page by page."""
    bank1, bank2, _ = directory.banks
    archived = {
        "managed": put_on(new_card(staff, agent="agent2", manager="manager", accountant="accountant2", bank=bank1), "archived"),
        "counted": put_on(new_card(staff, agent="agent2", manager="manager2", accountant="accountant", bank=bank2), "archived"),
        "named": put_on(new_card(staff, agent="agent2", manager="manager2", accountant="accountant2", bank=bank2), "archived"),
        "gone": put_on(new_card(staff, agent="agent2", manager="manager", accountant="accountant", bank=bank1), "archived"),
        "live": new_card(staff, agent="agent2", manager="manager", accountant="accountant", bank=bank1),
    }  # fmt: skip
    named = archived["named"]
    named.choose_responsible(stage_of("bank_check").id, staff["agent"].id)
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
        ("agent", {"agent": staff["agent2"].id}),
        ("manager", {"agent": staff["agent2"].id}),
        ("accountant", {"agent": staff["agent2"].id}),
        ("accountant2", {"agent": staff["agent2"].id}),
        ("agent", {"manager": staff["manager2"].id}),
        ("manager", {"accountant": staff["accountant2"].id}),
        ("manager", {"agent": staff["agent2"].id, "bank": bank1.id}),
        ("accountant2", {"agent": staff["agent2"].id, "manager": staff["manager2"].id}),
    ]
    unseen = {}
    # Through the branches, however many cards the viewer shares with the filtered person.
    monkeypatch.setattr(card_lists, "_branches_cheaper", lambda *_args: True)
    for viewer, args in cases:
        unseen[(viewer, str(args))] = pages(staff[viewer], **args)
    monkeypatch.setattr(card_lists, "_by_someone_unseen", lambda *_args: False)
    for viewer, args in cases:
        assert unseen[(viewer, str(args))] == pages(staff[viewer], **args), (viewer, args)
    number = {key: card.number for key, card in archived.items()}
    assert unseen[("agent", str(cases[0][1]))] == [number["named"]]  # his by responsibility only
    assert unseen[("manager", str(cases[1][1]))] == [number["managed"]]
    assert set(unseen[("accountant2", str(cases[3][1]))]) == {
        number["managed"],
        number["named"],
        shown_number(2012, first6="414900"),
    }


def test_a_filter_on_someone_outside_the_scope_walks_when_the_viewer_shares_many_of_their_cards(staff, archive):
    """The branches read every archived card of the filtered person that the viewer sees, the
    newest-first walk about a page × the archive / those (counted from the trigger-kept counters).
    An accountant works for every team: a manager's filter by her walks. A manager of another team
    shares no cards with him: by him, the branches. Either way only what the scope allows."""
    manager = staff["manager"]
    shared = [put_on(new_card(staff, agent="agent2", accountant="accountant2"), "archived") for _ in range(3)]
    by_accountant2 = card_lists.ArchiveFilters(accountant_id=staff["accountant2"].id)
    # Hers that he sees (his manager's cards, not the one of manager2), of the 6 archived cards.
    assert card_lists._seen_of_filtered(manager, by_accountant2) == (3, 6)

    def page(**args):
        filters = card_lists.ArchiveFilters.from_args({k: str(v) for k, v in args.items()})
        with capture_sql() as sql:
            rows, _after = card_lists.archive_page(manager, filters, page_size=1)
        return [row.id for row in rows], any(") as seen" in statement for statement in sql.normalized)

    assert page(accountant=staff["accountant2"].id) == ([shared[-1].id], False)  # the walk
    assert page(manager=staff["manager2"].id) == ([], True)  # the branches


def test_a_contact_search_by_someone_who_sees_little_takes_the_branches_and_finds_what_the_scope_allows(
    staff,
    monkeypatch,
):
    """A viewer with a small share of the archive searches through the scope's branches: page by
    page the same cards, in the same order, as through the scope's OR; a large share keeps the walk."""
    cards_by = [
        ("agent", "manager", "accountant"),
        ("agent2", "manager", "accountant2"),
        ("agent2", "manager2", "accountant"),
        ("agent2", "manager2", "accountant2"),
        ("agent", "manager2", "accountant2"),
        ("agent2", "manager2", "accountant2"),
    ]
    made = [
        put_on(new_card(staff, agent=a, manager=m, accountant=c, contact_name=f"Іван {n}"), "archived")
        for n, (a, m, c) in enumerate(cards_by)
    ]
    made[3].choose_responsible(stage_of("bank_check").id, staff["agent"].id)
    db.session.commit()

    def pages(user):
        found, after = [], None
        while True:
            filters = card_lists.ArchiveFilters.from_args({"contact": "Іван", "after": str(after or "")})
            with capture_sql() as sql:
                rows, after = card_lists.archive_page(user, filters, page_size=1)
            found += [row.id for row in rows]
            branches.append(any(") as seen" in statement for statement in sql.normalized))
            if after is None:
                return found

    viewers = ("agent", "agent2", "manager", "accountant2")
    monkeypatch.setattr(card_lists, "RARE_CONTACT_ROWS", -1)  # "Іван" is a common name here
    monkeypatch.setattr(card_lists, "NARROW_ARCHIVE_SHARE", 1.01)  # every narrow viewer sees "little"
    branches = []
    through_branches = {viewer: pages(staff[viewer]) for viewer in viewers}
    assert all(branches)
    monkeypatch.setattr(card_lists, "NARROW_ARCHIVE_SHARE", 0.0)  # nobody does: the walk
    branches = []
    assert {viewer: pages(staff[viewer]) for viewer in viewers} == through_branches
    assert not any(branches)
    ids = [card.id for card in made]
    assert through_branches["agent"] == [ids[4], ids[3], ids[0]]  # ids[3]: his by responsibility only
    assert through_branches["manager"] == [ids[1], ids[0]]


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


def test_archive_pages_by_keyset_without_counting(staff):
    made = [put_on(new_card(staff), "archived").id for _ in range(7)]
    newest_first = made[::-1]
    with capture_sql() as sql:
        page1, after = card_lists.archive_page(staff["owner"], card_lists.ArchiveFilters(), page_size=3)
        page2, after2 = card_lists.archive_page(staff["owner"], card_lists.ArchiveFilters(after=after), page_size=3)
        page3, after3 = card_lists.archive_page(staff["owner"], card_lists.ArchiveFilters(after=after2), page_size=3)
    assert [r.id for r in page1] == newest_first[:3] and after == newest_first[2]
    assert [r.id for r in page2] == newest_first[3:6] and after2 == newest_first[5]
    assert [r.id for r in page3] == newest_first[6:] and after3 is None
    assert not any("count(" in statement for statement in sql.normalized)
    card_queries = sql.from_table("cards")
    assert len(card_queries) == 3 and all("limit" in statement for statement in card_queries)


@pytest.mark.parametrize("walk", [1, 3, 5, 100])
def test_a_contact_search_pages_newest_first_across_its_two_steps(staff, monkeypatch, walk):
    """Whatever part of the archive the newest-first walk covers, the index step finds the older
    matches: the same rows, in the same order, page after page."""
    monkeypatch.setattr(card_lists, "CONTACT_WALK", walk)
    monkeypatch.setattr(card_lists, "RARE_CONTACT_ROWS", -1)  # as common as a first name: the walk first
    names = ["Ткачук Оксана", "Other", "Other", "Ткачук Ірина", "Other", "Ткачук Петро", "Other", "Другий Ткачук"]
    made = [put_on(new_card(staff, contact_name=name), "archived") for name in names]
    expected = [card.id for card in reversed(made) if "Ткачук" in card.contact_name]
    seen, after = [], None
    while True:
        filters = card_lists.ArchiveFilters.from_args({"contact": "Ткачук", "after": str(after or "")})
        rows, after = card_lists.archive_page(staff["owner"], filters, page_size=2)
        seen += [row.id for row in rows]
        if after is None:
            break
    assert seen == expected


def test_a_search_for_a_full_name_goes_straight_to_the_index_and_pages_within_the_scope(staff):
    """Two words name a person: no newest-first walk (a query bounding it, then the walk), one query
    of the cards a page, newest first, page after page, and only the cards the viewer may see."""
    names = ["Ткачук Ірина", "Other", "Ткачук Ірина", "Ткачук Оксана", "Ткачук Ірина Петрівна", "Ткачук Ірина"]
    made = [put_on(new_card(staff, contact_name=name), "archived") for name in names]
    made[2].agent_id = staff["agent2"].id
    db.session.commit()
    for viewer in (staff["owner"], staff["agent"]):
        expected = [
            card.id
            for card in reversed(made)
            if "Ткачук Ірина" in card.contact_name and (viewer is staff["owner"] or card.agent_id == viewer.id)
        ]
        found, after = [], None
        while True:
            filters = card_lists.ArchiveFilters.from_args({"contact": "Ткачук Ірина", "after": str(after or "")})
            with capture_sql() as sql:
                rows, after = card_lists.archive_page(viewer, filters, page_size=2)
            assert len(sql.from_table("cards")) == 1
            found += [row.id for row in rows]
            if after is None:
                break
        assert found == expected and len(expected) >= 3


def test_a_single_word_that_few_cards_hold_goes_straight_to_the_index_and_a_common_one_walks_first(
    staff,
    monkeypatch,
):
    """On PostgreSQL the planner's estimate of the word's cards chooses: at most RARE_CONTACT_ROWS,
    one query of the cards through the trigram index; more, the newest-first walk bounded by its
    floor, then the index. Elsewhere there is no estimate and every single word walks. Both find the
    same cards in the same order."""
    names = ["Ткачук Оксана", "Other", "Петро Ткачук", "Other", "Ткачук Ірина"]
    made = [put_on(new_card(staff, contact_name=name), "archived") for name in names]
    expected = [card.id for card in reversed(made) if "Ткачук" in card.contact_name]
    postgresql = db.engine.dialect.name == "postgresql"

    def search(viewer):
        filters = card_lists.ArchiveFilters.from_args({"contact": "Ткачук"})
        with capture_sql() as sql:
            rows, after = card_lists.archive_page(viewer, filters, page_size=10)
        assert after is None
        return [row.id for row in rows], [s for s in sql.from_table("cards") if not s.startswith("explain")]

    for viewer in (staff["owner"], staff["manager"]):
        found, queries = search(viewer)
        assert found == [
            i for i in expected if viewer is staff["owner"] or db.session.get(Card, i).manager_id == viewer.id
        ]
        assert any("offset" in q for q in queries) != postgresql  # the walk's floor only without an estimate
        monkeypatch.setattr(card_lists, "RARE_CONTACT_ROWS", -1)
        common, queries = search(viewer)
        assert common == found and any("offset" in q for q in queries)
        monkeypatch.undo()
    assert card_lists._rare_contact("Ткачук") == postgresql


def test_the_contact_searchs_statements_are_planned_for_their_values_every_time(staff):
    """psycopg prepares a statement after a few runs and PostgreSQL may then plan it once for every
    value; the trigram step of a contact search is sent unprepared however often it runs, while
    the app's other statements stay prepared."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements and generic plans are PostgreSQL's")
    put_on(new_card(staff, contact_name="Ткачук Оксана"), "archived")
    for _ in range(12):
        card_lists.archive_page(staff["owner"], card_lists.ArchiveFilters.from_args({"contact": "Ткачук"}))
        card_lists.archive_page(staff["owner"], card_lists.ArchiveFilters.from_args({"bank": "1"}))
    prepared = db.session.scalars(sa.text("SELECT statement FROM pg_prepared_statements")).all()
    assert any("cards.bank_id =" in statement for statement in prepared)  # the bank filter: prepared
    assert not any("ilike" in statement.lower() for statement in prepared)


def test_an_exactly_full_last_page_has_no_next(staff):
    for _ in range(3):
        put_on(new_card(staff), "archived")
    rows, after = card_lists.archive_page(staff["owner"], card_lists.ArchiveFilters(), page_size=3)
    assert len(rows) == 3 and after is None


def test_deleted_cards_are_in_no_list(staff):
    card = new_card(staff)
    put_on(new_card(staff), "archived").deleted_at = card.created_at
    card.deleted_at = card.created_at
    db.session.commit()
    assert card_lists.tab_rows(staff["owner"], "new")[0] == []
    assert card_lists.archive_page(staff["owner"], card_lists.ArchiveFilters())[0] == []
    assert db.session.scalar(select(sa.func.count()).select_from(Card)) == 2


@pytest.mark.parametrize(
    ("term", "who"),
    [
        ("іван", "ivan"),  # lower-case Cyrillic finds "Іван" on SQLite as on PostgreSQL
        ("ПЕТРЕНКО", "ivan"),
        ("067 111 22", "ivan"),  # a national number as people type it
        ("+380 67 111", "ivan"),
        ("(050) 999-88", "olga"),
        ("tkachenko", "olga"),
    ],
)
def test_the_contact_filter_finds_names_in_any_case_and_phones_in_any_format(staff, archive, term, who):
    rows, _next = card_lists.archive_page(staff["owner"], card_lists.ArchiveFilters(contact=term))
    assert [row.id for row in rows] == [archive[who].id]


def test_a_phone_typed_nationally_is_kept_in_the_one_form(staff):
    card = new_card(staff, contact_phone="067 123-45-67")
    assert card.contact_phone == "+380671234567"
