"""The cards section over HTTP: the tabs and their scope, the archive's filters and keyset pages,
create/edit (unique number, optimistic lock) and per-stage responsibles. The transactions panel is in
test_card_transactions.py."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import select

from extensions import db
from models.card import Card, Transaction
from models.directory import Bank
from models.pipeline import StageTask
from services import cards
from tests.conftest import csrf_token
from tests.factories import make_user
from tests.services.test_cards import TX, new_card, put_on, stage

ROOT = Path(__file__).resolve().parents[2]


class RequestClient(FlaskClient):
    """Each request in its own app context, as on a real server: its own `g` and database session."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def team():
    """Part A people; English UI so that the tests can read the messages."""
    people = {
        "owner": ("owner", "Olena Owner"),
        "admin": ("administrator", "Ada Admin"),
        "accountant": ("accountant", "Anna Accountant"),
        "manager": ("manager", "Maria Manager"),
        "agent": ("agent", "Andrii Agent"),
        "agent2": ("agent", "Bohdan Agent"),
    }
    return {key: make_user(role_code=role, full_name=name, language="en") for key, (role, name) in people.items()}


@pytest.fixture
def client_of(app, login_as, team):
    return lambda name: login_as(team[name], client=RequestClient(app, app.response_class, use_cookies=True))


@pytest.fixture
def bank():
    bank = Bank(name="PercentBank", commission_percent=Decimal("1.50"))
    db.session.add(bank)
    db.session.commit()
    return bank


@pytest.fixture
def two_cards(team):
    return {
        "mine": new_card(team, number="MINE-1", contact_name="Mine Contact"),
        "theirs": new_card(team, agent="agent2", manager=None, accountant=None, number="THEIRS-1"),
    }


def fresh(card):
    db.session.expire_all()
    return db.session.get(Card, card.id)


def json_post(client, url, data, token_url):
    data = dict(data, csrf_token=csrf_token(client, token_url))
    return client.post(url, data=data, headers={"Accept": "application/json"})


# --- tabs ----------------------------------------------------------------------------------------


def test_the_new_tab_is_the_default_with_instant_search_and_links(client_of, two_cards):
    page = client_of("owner").get("/admin/cards/")
    assert page.status_code == 200
    assert "MINE-1" in page.text and "THEIRS-1" in page.text
    assert "vendor/datatables/dataTables.min.js" in page.text and "js/cards.js" in page.text
    card_id = two_cards["mine"].id
    assert f'href="/admin/tasks/auto/?card={card_id}"' in page.text
    assert f"/admin/cards/edit/?id={card_id}" in page.text
    assert stage("linking_access").color in page.text
    assert "<script>" not in page.text  # CSP: no inline scripts


def test_each_tab_holds_its_bucket(client_of, team):
    new, working = new_card(team, number="N-1"), put_on(new_card(team, number="W-1"), "work_off")
    done, old = put_on(new_card(team, number="D-1"), "bank_check"), put_on(new_card(team, number="A-1"), "archived")
    owner = client_of("owner")
    for tab, card in (("new", new), ("in_work", working), ("worked_off", done), ("archive", old)):
        page = owner.get(f"/admin/cards/?tab={tab}")
        assert page.status_code == 200
        found = set(re.findall(r'data-card-id="(\d+)"', page.text))
        assert found == {str(card.id)}, tab


def test_an_agent_sees_only_his_cards_in_the_tabs(client_of, two_cards):
    page = client_of("agent").get("/admin/cards/")
    assert "MINE-1" in page.text and "THEIRS-1" not in page.text
    assert "/admin/cards/edit/" not in page.text  # no edit right: rows open the details page
    assert f"/admin/cards/details/?id={two_cards['mine'].id}" in page.text
    assert "Add a card" not in page.text


def test_the_tables_escape_what_people_typed_and_name_each_column(client_of, team, bank):
    bank.name = "<i>Bank</i>"
    odd = new_card(
        team, number="<b>N&1</b>", contact_name="O'Neil <script>x</script>", contact_phone='"+380"', bank=bank
    )
    archived = put_on(new_card(team, number="<u>A-1</u>", contact_name="Old <em>one</em>"), "archived")
    owner = client_of("owner")
    for tab, card, typed, shown in (
        ("new", odd, ("<b>N&1</b>", "<script>x</script>", '"+380"', "<i>Bank</i>"), ("&lt;b&gt;N&amp;1&lt;/b&gt;", "Neil &lt;script&gt;x&lt;/script&gt;", "+380&", "&lt;i&gt;Bank&lt;/i&gt;")),
        ("archive", archived, ("<u>A-1</u>", "<em>one</em>"), ("&lt;u&gt;A-1&lt;/u&gt;", "Old &lt;em&gt;one&lt;/em&gt;")),
    ):  # fmt: skip
        page = owner.get(f"/admin/cards/?tab={tab}")
        assert page.status_code == 200
        assert not [text for text in typed if text in page.text], tab
        assert all(text in page.text for text in shown), tab
        headings = re.findall(r"<th[^>]*>([^<]+)</th>", page.text)
        assert headings[:3] == ["Card number", "Contact name", "Phone"], tab
        assert ("Accountant" in headings) == (tab == "archive")
        assert f'data-card-id="{card.id}"' in page.text and f'href="/admin/tasks/auto/?card={card.id}"' in page.text


def test_an_unknown_tab_is_a_400(client_of):
    assert client_of("owner").get("/admin/cards/?tab=everything").status_code == 400


def test_anonymous_visitors_go_to_sign_in(client):
    response = client.get("/admin/cards/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- archive -------------------------------------------------------------------------------------


def test_archive_filters_over_http(client_of, team, bank):
    put_on(new_card(team, number="7777 0001", contact_name="Ivan Petrenko", bank=bank), "archived")
    put_on(new_card(team, number="7777 0002", contact_name="Olga", contact_phone="+380501234567"), "archived")
    put_on(new_card(team, number="8888 0003", agent="agent2", manager="none"), "archived")
    owner = client_of("owner")

    def numbers(query):
        page = owner.get("/admin/cards/?tab=archive&" + query)
        assert page.status_code == 200, page.text
        return set(re.findall(r'class="card-open">([^<]+)<', page.text))

    assert numbers("") == {"7777 0001", "7777 0002", "8888 0003"}
    assert numbers("number=7777") == {"7777 0001", "7777 0002"}
    assert numbers("contact=petr") == {"7777 0001"}
    assert numbers("contact=50123") == {"7777 0002"}
    assert numbers(f"bank={bank.id}") == {"7777 0001"}
    assert numbers(f"agent={team['agent2'].id}") == {"8888 0003"}
    assert numbers(f"manager={team['manager'].id}&accountant={team['accountant'].id}") == {"7777 0001", "7777 0002"}


@pytest.mark.parametrize(
    "query", ["bank=abc", "agent=-3", "after=1e3", "supplier=" + "9" * 40, "number=" + "1" * 40, "contact=" + "x" * 200]
)
def test_bad_archive_filters_are_a_400_with_a_message(client_of, query):
    page = client_of("owner").get("/admin/cards/?tab=archive&" + query)
    assert page.status_code == 400
    assert "The filter was not understood" in page.text


def test_archive_pages_by_the_last_id_and_never_counts(app, client_of, team):
    made = [put_on(new_card(team), "archived").id for _ in range(53)]
    owner = client_of("owner")
    seen = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement.lower())

    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        first = owner.get("/admin/cards/?tab=archive")
        next_url = re.search(
            r'id="archive-next" rel="next" href="([^"]+)"|href="([^"]+)" id="archive-next"', first.text
        )
        assert next_url, first.text
        url = next(g for g in next_url.groups() if g).replace("&amp;", "&")
        assert f"after={sorted(made)[-50]}" in url
        second = owner.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    assert len(re.findall(r'data-card-id="', first.text)) == 50
    assert set(map(int, re.findall(r'data-card-id="(\d+)"', second.text))) == set(sorted(made)[:3])
    assert 'id="archive-next"' not in second.text and 'id="archive-first"' in second.text
    assert not any("count(" in statement for statement in seen)


# --- card pages ----------------------------------------------------------------------------------


def test_an_agent_gets_404_on_another_agents_card(client_of, two_cards):
    agent = client_of("agent")
    theirs = two_cards["theirs"].id
    for url in (f"/admin/cards/edit/?id={theirs}", f"/admin/cards/details/?id={theirs}", "/admin/cards/edit/?id=abc"):
        assert agent.get(url).status_code == 404, url
    mine = two_cards["mine"].id
    assert agent.get(f"/admin/cards/edit/?id={mine}").status_code == 302  # no edit right: to the details
    page = agent.get(f"/admin/cards/details/?id={mine}")
    assert page.status_code == 200 and "MINE-1" in page.text and 'id="transactions"' in page.text


def test_the_edit_url_sends_someone_without_the_right_to_the_details_reading_the_card_alone(client_of, two_cards):
    agent, mine = client_of("agent"), two_cards["mine"].id
    agent.get("/admin/tracker/")  # the session's first request also reads the person's access once
    seen = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement.lower())

    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        response = agent.get(f"/admin/cards/edit/?id={mine}")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    assert response.status_code == 302 and f"/admin/cards/details/?id={mine}" in response.headers["Location"]
    # the signed-in person, the card, its responsible people (for the scope): not the card's people,
    # directories or transactions
    assert len(seen) <= 4, seen
    assert not any("from transactions" in statement or "from banks" in statement for statement in seen)


def test_posting_to_another_agents_card_is_a_404_and_changes_nothing(client_of, two_cards, team):
    manager = client_of("manager")
    theirs = put_on(two_cards["theirs"], "fund_card")
    data = {"number": "HACKED", "lock_version": str(theirs.version)}
    assert (
        manager.post(
            f"/admin/cards/edit/?id={theirs.id}", data=dict(data, csrf_token=csrf_token(manager, "/admin/cards/"))
        ).status_code
        == 404
    )
    response = json_post(manager, f"/admin/cards/{theirs.id}/transactions", TX, "/admin/cards/")
    assert response.status_code == 404
    assert (
        fresh(theirs).number == "THEIRS-1" and db.session.scalar(select(sa.func.count()).select_from(Transaction)) == 0
    )


def _card_form(team, **overrides):
    data = {
        "number": "9999 0001",
        "contact_name": "New Person",
        "contact_phone": "+380670000000",
        "agent": str(team["agent"].id),
        "manager": str(team["manager"].id),
        "accountant": str(team["accountant"].id),
        "notes": "",
    }
    data.update(overrides)
    return data


def test_creating_a_card_puts_it_on_the_first_stage_with_its_task(client_of, team):
    manager = client_of("manager")
    data = dict(_card_form(team), csrf_token=csrf_token(manager, "/admin/cards/new/"))
    response = manager.post("/admin/cards/new/", data=data)
    assert response.status_code == 302, response.text
    card = db.session.scalar(select(Card).where(Card.number == "9999 0001"))
    first = cards.cards_pipeline().stages[0]
    assert card.stage_id == first.id and card.bucket == first.bucket and card.agent_id == team["agent"].id
    task = db.session.scalar(select(StageTask).where(StageTask.subject_id == card.id, StageTask.subject_type == "card"))
    assert task.stage_id == first.id and task.assignee_id == team["agent"].id and task.closed_at is None


def test_a_duplicate_number_is_a_form_error(client_of, team, two_cards):
    owner = client_of("owner")
    data = dict(_card_form(team, number=" MINE-1 "), csrf_token=csrf_token(owner, "/admin/cards/new/"))
    response = owner.post("/admin/cards/new/", data=data)
    assert response.status_code == 200
    assert "Already exists" in response.text and "Failed to create record" in response.text
    assert db.session.scalar(select(sa.func.count()).select_from(Card)) == 2


def test_an_edit_to_another_cards_number_is_refused_and_reads_only_its_key(client_of, team, two_cards):
    owner = client_of("owner")
    card, theirs = two_cards["mine"], two_cards["theirs"]
    data = dict(
        _card_form(team, number="THEIRS-1", notes="taken"),
        lock_version=str(card.version),
        csrf_token=csrf_token(owner, "/admin/cards/"),
    )
    seen = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()).lower())

    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        response = owner.post(f"/admin/cards/edit/?id={card.id}", data=data)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    assert response.status_code == 200 and "Already exists" in response.text
    assert fresh(card).number == "MINE-1" and fresh(card).notes != "taken" and fresh(theirs).number == "THEIRS-1"
    by_number = [s for s in seen if "where cards.number =" in s]
    assert len(by_number) == 1 and by_number[0].startswith("select cards.id from cards where")
    data.update(number="MINE-1", csrf_token=csrf_token(owner, "/admin/cards/"))
    assert owner.post(f"/admin/cards/edit/?id={card.id}", data=data).status_code == 302  # its own number
    assert fresh(card).notes == "taken"


def _save_with_their_number(client, team, card):
    """An edit of `card` that takes the other card's number (two_cards): refused by the unique check."""
    data = dict(_card_form(team, number="THEIRS-1"), lock_version=str(card.version))
    return client.post(
        f"/admin/cards/edit/?id={card.id}", data=dict(data, csrf_token=csrf_token(client, "/admin/cards/"))
    )


def test_a_refused_save_leaves_no_error_mark_on_the_next_forms(client_of, team, two_cards):
    owner = client_of("owner")
    card = two_cards["mine"]
    refused = _save_with_their_number(owner, team, card)
    assert refused.status_code == 200 and re.search(r'class="[^"]*is-invalid[^"]*"[^>]*id="number"', refused.text)
    for url in (f"/admin/cards/edit/?id={card.id}", f"/admin/cards/edit/?id={two_cards['theirs'].id}"):
        page = owner.get(url)
        assert page.status_code == 200 and 'id="number"' in page.text
        assert "is-invalid" not in page.text, url


@pytest.mark.parametrize(
    ("language", "message"), [("uk", "Не вдалося зберегти запис."), ("ru", "Не удалось сохранить запись.")]
)
def test_a_refused_save_is_told_in_the_users_language(app, login_as, team, two_cards, language, message):
    owner = team["owner"]
    owner.language = language
    db.session.commit()
    client = login_as(owner, client=RequestClient(app, app.response_class, use_cookies=True))
    refused = _save_with_their_number(client, team, two_cards["mine"])
    assert refused.status_code == 200 and message in refused.text
    assert "Failed to save record." not in refused.text


def test_only_agents_are_offered_as_the_agent(client_of, team):
    page = client_of("owner").get("/admin/cards/new/")
    select_html = re.search(r'<select[^>]+id="agent".*?</select>', page.text, re.S).group(0)
    assert "Andrii Agent" in select_html and "Maria Manager" not in select_html


def test_the_agent_and_accountant_cannot_create_cards(client_of, team):
    for name in ("agent", "accountant"):
        client = client_of(name)
        data = dict(_card_form(team, number=f"X-{name}"), csrf_token=csrf_token(client, "/admin/cards/"))
        client.post("/admin/cards/new/", data=data)
    assert db.session.scalar(select(sa.func.count()).select_from(Card)) == 0


def test_a_stale_edit_shows_an_error_and_overwrites_nothing(client_of, team, two_cards):
    owner = client_of("owner")
    card = two_cards["mine"]
    page = owner.get(f"/admin/cards/edit/?id={card.id}")
    lock = re.search(r'name="lock_version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="lock_version"', page.text)
    version = next(g for g in lock.groups() if g)
    assert version == str(card.version)
    card.notes = "changed meanwhile"
    db.session.commit()
    data = dict(
        _card_form(team, number="MINE-1", notes="mine"),
        lock_version=version,
        csrf_token=csrf_token(owner, "/admin/cards/"),
    )
    response = owner.post(f"/admin/cards/edit/?id={card.id}", data=data)
    assert response.status_code == 200 and "changed by someone else" in response.text
    assert fresh(card).notes == "changed meanwhile"
    data["lock_version"] = str(fresh(card).version)
    response = owner.post(f"/admin/cards/edit/?id={card.id}", data=data)
    assert response.status_code == 302
    assert fresh(card).notes == "mine"


def test_the_card_page_names_the_authors_of_its_history_without_loading_their_access(client_of, team, two_cards):
    card = two_cards["mine"]
    for name, notes in (("owner", "first"), ("manager", "second")):
        editor = client_of(name)
        data = dict(
            _card_form(team, number="MINE-1", notes=notes),
            lock_version=str(fresh(card).version),
            csrf_token=csrf_token(editor, "/admin/cards/"),
        )
        assert editor.post(f"/admin/cards/edit/?id={card.id}", data=data).status_code == 302
    owner = client_of("owner")
    seen = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()).lower())

    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        page = owner.get(f"/admin/cards/details/?id={card.id}")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    history = page.text[page.text.index("record-history") :]
    assert "Olena Owner" in history and "Maria Manager" in history and "second" in history
    assert not [s for s in seen if re.search(r"from (role_permissions|memberships|departments)\b", s)]


def test_the_edit_page_shows_stage_transactions_and_responsibles(client_of, two_cards, bank):
    card = put_on(two_cards["mine"], "fund_card")
    card.bank = bank
    db.session.commit()
    page = client_of("owner").get(f"/admin/cards/edit/?id={card.id}")
    assert page.status_code == 200
    assert stage("fund_card").name_en in page.text or stage("fund_card").name_uk in page.text
    assert 'id="tx-add-form"' in page.text and 'value="1.50"' in page.text  # the bank's default rate
    assert 'id="responsibles-form"' in page.text and "js/card_transactions.js" in page.text
    assert f'href="/admin/tasks/auto/?card={card.id}"' in page.text
