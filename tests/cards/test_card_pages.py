"""The cards section's card pages over HTTP: scope (404s), create/edit (unique number, optimistic
lock) and per-stage responsibles. The tabs and the archive are in test_card_list_pages.py, the
transactions panel in test_transaction_pages.py; the fixtures in conftest.py."""

import re

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from extensions import db
from models.cards.card import Card, Transaction
from models.pipeline import StageTask
from services.cards import card_numbers
from services.cards import operations as cards
from tests.cards.helpers import card_form, fresh_card, json_post
from tests.conftest import csrf_token
from tests.factories.cards import TX, card_number, put_on, shown_number, stage_of
from tests.sql_capture import capture_sql
from tests.view_helpers import signed_in

# --- card pages ----------------------------------------------------------------------------------


def test_an_agent_gets_404_on_another_agents_card(client_of, two_cards):
    agent = client_of("agent")
    theirs = two_cards["theirs"].id
    for url in (f"/admin/cards/edit/?id={theirs}", f"/admin/cards/details/?id={theirs}", "/admin/cards/edit/?id=abc"):
        assert agent.get(url).status_code == 404, url
    mine = two_cards["mine"].id
    assert agent.get(f"/admin/cards/edit/?id={mine}").status_code == 302  # no edit right: to the details
    page = agent.get(f"/admin/cards/details/?id={mine}")
    assert page.status_code == 200 and shown_number(2001) in page.text and 'id="transactions"' in page.text


def test_the_edit_url_sends_someone_without_the_right_to_the_details_reading_the_card_alone(client_of, two_cards):
    agent, mine = client_of("agent"), two_cards["mine"].id
    agent.get("/admin/tracker/")  # the session's first request also reads the person's access once
    with capture_sql() as sql:
        response = agent.get(f"/admin/cards/edit/?id={mine}")
    assert response.status_code == 302 and f"/admin/cards/details/?id={mine}" in response.headers["Location"]
    # the signed-in person, the card, its responsible people (for the scope): not the card's people,
    # directories or transactions
    assert sql.count <= 4, sql
    assert not any("from transactions" in statement or "from banks" in statement for statement in sql.normalized)


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
        fresh_card(theirs).number == shown_number(2002)
        and db.session.scalar(select(sa.func.count()).select_from(Transaction)) == 0
    )


def test_creating_a_card_puts_it_on_the_first_stage_with_its_task(client_of, team):
    manager = client_of("manager")
    data = dict(card_form(team), csrf_token=csrf_token(manager, "/admin/cards/new/"))
    response = manager.post("/admin/cards/new/", data=data)
    assert response.status_code == 302, response.text
    card = db.session.scalar(select(Card).where(Card.number == shown_number(9999_0001)))
    first = cards.cards_pipeline().stages[0]
    assert card.stage_id == first.id and card.bucket == first.bucket and card.agent_id == team["agent"].id
    task = db.session.scalar(select(StageTask).where(StageTask.subject_id == card.id, StageTask.subject_type == "card"))
    assert task.stage_id == first.id and task.assignee_id == team["agent"].id and task.closed_at is None


def test_a_duplicate_number_is_a_form_error(client_of, team, two_cards):
    owner = client_of("owner")
    typed = f" {card_numbers.grouped(card_number(2001))} "  # spaced as on the card
    data = dict(card_form(team, number=typed), csrf_token=csrf_token(owner, "/admin/cards/new/"))
    response = owner.post("/admin/cards/new/", data=data)
    assert response.status_code == 200
    assert "A card with this number already exists." in response.text and "Failed to create record" in response.text
    assert db.session.scalar(select(sa.func.count()).select_from(Card)) == 2


def test_an_edit_to_another_cards_number_is_refused_and_reads_only_its_key(client_of, team, two_cards):
    owner = client_of("owner")
    card, theirs = two_cards["mine"], two_cards["theirs"]
    data = dict(
        card_form(team, number=card_number(2002), notes="taken"),
        lock_version=str(card.version),
        csrf_token=csrf_token(owner, "/admin/cards/"),
    )
    with capture_sql() as sql:
        response = owner.post(f"/admin/cards/edit/?id={card.id}", data=data)
    assert response.status_code == 200 and "A card with this number already exists." in response.text
    assert (
        fresh_card(card).number == shown_number(2001)
        and fresh_card(card).notes != "taken"
        and fresh_card(theirs).number == shown_number(2002)
    )
    by_number = [s for s in sql.normalized if "where cards.number_hash =" in s]
    assert len(by_number) == 1 and by_number[0].startswith("select cards.id from cards where")
    data.update(number=card_number(2001), csrf_token=csrf_token(owner, "/admin/cards/"))
    assert owner.post(f"/admin/cards/edit/?id={card.id}", data=data).status_code == 302  # its own number
    assert fresh_card(card).notes == "taken"


def _save_with_their_number(client, team, card):
    """An edit of `card` that takes the other card's number (two_cards): refused by the unique check."""
    data = dict(card_form(team, number=card_number(2002)), lock_version=str(card.version))
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
    client = signed_in(app, login_as, owner)
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
        data = dict(
            card_form(team, number=card_number(4000 + len(name))), csrf_token=csrf_token(client, "/admin/cards/")
        )
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
        card_form(team, number=card_number(2001), notes="mine"),
        lock_version=version,
        csrf_token=csrf_token(owner, "/admin/cards/"),
    )
    response = owner.post(f"/admin/cards/edit/?id={card.id}", data=data)
    assert response.status_code == 200 and "changed by someone else" in response.text
    assert fresh_card(card).notes == "changed meanwhile"
    data["lock_version"] = str(fresh_card(card).version)
    response = owner.post(f"/admin/cards/edit/?id={card.id}", data=data)
    assert response.status_code == 302
    assert fresh_card(card).notes == "mine"


def test_the_card_page_names_the_authors_of_its_history_without_loading_their_access(client_of, team, two_cards):
    card = two_cards["mine"]
    for name, notes in (("owner", "first"), ("manager", "second")):
        editor = client_of(name)
        data = dict(
            card_form(team, number=card_number(2001), notes=notes),
            lock_version=str(fresh_card(card).version),
            csrf_token=csrf_token(editor, "/admin/cards/"),
        )
        assert editor.post(f"/admin/cards/edit/?id={card.id}", data=data).status_code == 302
    owner = client_of("owner")
    with capture_sql() as sql:
        page = owner.get(f"/admin/cards/details/?id={card.id}")
    history = page.text[page.text.index("record-history") :]
    assert "Olena Owner" in history and "Maria Manager" in history and "second" in history
    assert not [s for s in sql.normalized if re.search(r"from (role_permissions|memberships|departments)\b", s)]


def test_the_edit_page_shows_stage_transactions_and_responsibles(client_of, two_cards, bank):
    card = put_on(two_cards["mine"], "fund_card")
    card.bank = bank
    db.session.commit()
    page = client_of("owner").get(f"/admin/cards/edit/?id={card.id}")
    assert page.status_code == 200
    assert stage_of("fund_card").name_en in page.text or stage_of("fund_card").name_uk in page.text
    form = page.text[page.text.index('id="card-form"') : page.text.index("</form>", page.text.index('id="card-form"'))]
    # One form: the transactions (kept until Save) and the people of each stage are inside it.
    assert 'data-saved="with-the-card"' in form and 'value="1.50"' in form  # the bank's default rate
    assert f'name="stage_{card.stage_id}"' in form and 'id="tx-add-form"' not in page.text
    assert "js/card_transactions.js" in page.text
    assert f'href="/admin/tasks/auto/?card={card.id}"' in page.text


def test_a_new_cards_form_names_its_author_in_his_own_role(client_of, team):
    page = client_of("manager").get("/admin/cards/new/")
    manager = re.search(r'<select[^>]+id="manager".*?</select>', page.text, re.S).group(0)
    assert f'<option value="{team["manager"].id}" selected>' in manager
    owner_form = client_of("owner").get("/admin/cards/new/").text
    assert '<option value="__None" selected>' in re.search(
        r'<select[^>]+id="manager".*?</select>', owner_form, re.S
    ).group(0)
