"""The card form's selects (people, bank and supplier as (id, name) rows) and the per-stage
responsibles panel, over HTTP. The fixtures are the cards section's (conftest.py)."""

import re

import pytest
import sqlalchemy as sa
from markupsafe import escape
from sqlalchemy import select

from extensions import db
from models.pipeline import StageResponsible
from services.cards import operations as cards
from tests.cards.helpers import card_form, fresh_card
from tests.conftest import csrf_token
from tests.factories.cards import make_card, shown_number


def test_responsibles_are_saved_with_the_card_and_a_bad_one_refuses_the_whole_save(client_of, team, two_cards):
    owner = client_of("owner")
    card = two_cards["mine"]
    key = f"stage_{card.stage_id}"
    assert _edit(owner, team, card, notes="with people", **{key: str(team["agent2"].id)}).status_code == 302
    assert _chosen(card) == team["agent2"].id and fresh_card(card).notes == "with people"
    refused = _edit(owner, team, card, notes="not saved", **{key: "nobody"})
    assert refused.status_code == 200 and "Check the chosen people." in refused.text
    assert fresh_card(card).notes == "with people" and _chosen(card) == team["agent2"].id
    assert 'id="responsibles-form"' not in owner.get(f"/admin/cards/edit/?id={card.id}").text  # one form, one Save


def _chosen(card):
    return db.session.scalar(select(StageResponsible.user_id).where(StageResponsible.subject_id == card.id))


def _select(page, name):
    return re.search(rf'<select[^>]+name="{name}".*?</select>', page.text, re.S).group(0)


def _edit(client, team, card, **overrides):
    data = dict(card_form(team, number=card.number), lock_version=str(fresh_card(card).version), **overrides)
    return client.post(
        f"/admin/cards/edit/?id={card.id}", data=dict(data, csrf_token=csrf_token(client, "/admin/cards/"))
    )


def test_the_selects_show_the_cards_people_and_bank_chosen(client_of, team, two_cards, bank):
    card = two_cards["mine"]
    card.bank = bank
    db.session.commit()
    page = client_of("owner").get(f"/admin/cards/edit/?id={card.id}")
    agent = _select(page, "agent")
    assert 'data-role="select2"' in agent and 'data-allow-blank="1"' in agent
    assert f'<option value="{team["agent"].id}" selected>Andrii Agent</option>' in agent
    assert f'<option value="{team["agent2"].id}">Bohdan Agent</option>' in agent
    assert f'<option value="{bank.id}" selected>PercentBank</option>' in _select(page, "bank")
    assert '<option value="__None" selected>' in _select(page, "contractor")
    responsible = _select(page, f"stage_{card.stage_id}")
    assert f'<option value="{team["manager"].id}">Maria Manager</option>' in responsible


def test_names_in_the_selects_are_escaped(client_of, team, two_cards):
    team["agent2"].full_name = '<b>Bold</b> "Agent"'
    db.session.commit()
    page = client_of("owner").get(f"/admin/cards/edit/?id={two_cards['mine'].id}")
    assert "&lt;b&gt;Bold&lt;/b&gt; &quot;Agent&quot;" in _select(page, "agent")
    assert "<b>Bold</b>" not in page.text


@pytest.mark.parametrize("value", ["999999", "abc", "-1", "1" * 30])
def test_a_choice_not_offered_is_refused_and_changes_nothing(client_of, team, two_cards, value):
    card = two_cards["mine"]
    response = _edit(client_of("owner"), team, card, agent=value, notes="changed")
    assert response.status_code == 200 and "Not a valid choice." in response.text
    assert fresh_card(card).agent_id == team["agent"].id and fresh_card(card).notes != "changed"


def test_a_manager_is_not_a_valid_agent(client_of, team, two_cards):
    card = two_cards["mine"]
    response = _edit(client_of("owner"), team, card, agent=str(team["manager"].id))
    assert response.status_code == 200 and "Not a valid choice." in response.text
    assert fresh_card(card).agent_id == team["agent"].id


def test_a_choice_and_a_blank_are_saved(client_of, team, two_cards, bank):
    card = two_cards["mine"]
    owner = client_of("owner")
    assert _edit(owner, team, card, agent=str(team["agent2"].id), bank=str(bank.id)).status_code == 302
    assert fresh_card(card).agent_id == team["agent2"].id and fresh_card(card).bank_id == bank.id
    assert _edit(owner, team, card, agent=str(team["agent2"].id), bank="__None").status_code == 302
    assert fresh_card(card).bank_id is None


def test_a_blocked_agent_stays_on_his_card_until_another_is_chosen(client_of, team, two_cards):
    card = two_cards["mine"]
    team["agent"].is_blocked = True
    db.session.commit()
    owner = client_of("owner")
    page = owner.get(f"/admin/cards/edit/?id={card.id}")
    assert f'<option value="{team["agent"].id}" selected>Andrii Agent</option>' in _select(page, "agent")
    assert "Andrii Agent" not in _select(owner.get("/admin/cards/new/"), "agent")
    assert _edit(owner, team, card, notes="kept").status_code == 302
    assert fresh_card(card).agent_id == team["agent"].id and fresh_card(card).notes == "kept"
    assert _edit(owner, team, card, agent=str(team["agent2"].id)).status_code == 302
    assert fresh_card(card).agent_id == team["agent2"].id
    refused = _edit(owner, team, card, agent=str(team["agent"].id))
    assert refused.status_code == 200 and "Not a valid choice." in refused.text
    assert fresh_card(card).agent_id == team["agent2"].id


def test_a_chosen_responsible_is_selected_on_the_form(client_of, team, two_cards):
    card = two_cards["mine"]
    owner = client_of("owner")
    assert _edit(owner, team, card, **{f"stage_{card.stage_id}": str(team["agent2"].id)}).status_code == 302
    page = owner.get(f"/admin/cards/edit/?id={card.id}")
    responsible = _select(page, f"stage_{card.stage_id}")
    assert f'<option value="{team["agent2"].id}" selected>Bohdan Agent</option>' in responsible
    assert responsible.count(" selected") == 1


def test_the_details_page_names_the_chosen_responsible_and_the_ones_by_role(client_of, team, two_cards):
    card = two_cards["mine"]
    owner = client_of("owner")
    assert _edit(owner, team, card, **{f"stage_{card.stage_id}": str(team["agent2"].id)}).status_code == 302
    page = client_of("agent").get(f"/admin/cards/details/?id={card.id}")
    panel = page.text[page.text.index('id="responsibles"') :]
    panel = panel[: panel.index("</section>")]
    assert page.status_code == 200 and "<select" not in panel
    assert "Bohdan Agent" in panel and "(by role)" in panel and "Andrii Agent" in panel


def test_a_card_seen_only_as_its_responsible_opens_and_others_do_not(client_of, team, two_cards):
    theirs = two_cards["theirs"]
    agent = client_of("agent")
    assert agent.get(f"/admin/cards/details/?id={theirs.id}").status_code == 404
    owner = client_of("owner")
    people = {"agent": str(team["agent2"].id), "manager": "__None", "accountant": "__None"}
    chosen = {f"stage_{theirs.stage_id}": str(team["agent"].id)}
    assert _edit(owner, team, theirs, **people, **chosen).status_code == 302
    page = agent.get(f"/admin/cards/details/?id={theirs.id}")
    assert page.status_code == 200 and shown_number(2002) in page.text


def test_a_change_of_agent_or_bank_is_in_the_cards_history(client_of, team, two_cards, bank):
    card = two_cards["mine"]
    owner = client_of("owner")
    assert _edit(owner, team, card, agent=str(team["agent2"].id), bank=str(bank.id)).status_code == 302
    logged = db.session.execute(
        sa.text(
            "SELECT field, old_value, new_value, user_id FROM change_log WHERE entity = 'cards' AND entity_id = :id"
        ),
        {"id": str(card.id)},
    ).all()
    changes = {row.field: (row.old_value, row.new_value, row.user_id) for row in logged}
    assert changes["agent_id"] == (str(team["agent"].id), str(team["agent2"].id), team["owner"].id)
    assert changes["bank_id"] == (None, str(bank.id), team["owner"].id)
    page = owner.get(f"/admin/cards/edit/?id={card.id}")
    history = page.text[page.text.index("record-history") :]
    # In words: the field's label and the people's names, never the column or the ids.
    assert "agent_id" not in history and "Olena Owner" in history
    assert re.search(r"<td>(Agent|Агент)</td>", history)
    for person in (team["agent"], team["agent2"]):
        assert str(escape(person.full_name or person.username)) in history


def test_a_blocked_responsible_stays_chosen_until_another_is(client_of, team, two_cards):
    card = two_cards["mine"]
    owner = client_of("owner")
    stage_key = f"stage_{card.stage_id}"
    assert _edit(owner, team, card, **{stage_key: str(team["agent2"].id)}).status_code == 302
    team["agent2"].is_blocked = True
    db.session.commit()
    page = owner.get(f"/admin/cards/edit/?id={card.id}")
    responsible = _select(page, stage_key)
    assert f'<option value="{team["agent2"].id}" selected>Bohdan Agent</option>' in responsible
    assert _edit(owner, team, card, **{stage_key: str(team["agent2"].id)}).status_code == 302
    chosen = select(StageResponsible.user_id).where(StageResponsible.subject_id == card.id)
    assert db.session.scalar(chosen) == team["agent2"].id
    other = _select(page, f"stage_{[s for s in cards.cards_pipeline().stages if s.id != card.stage_id][0].id}")
    assert f'value="{team["agent2"].id}"' not in other  # not offered where he is not the choice
    other_stage = f"stage_{cards.cards_pipeline().stages[1].id}"
    refused = _edit(owner, team, card, **{stage_key: str(team["agent2"].id), other_stage: str(team["agent2"].id)})
    assert refused.status_code == 200 and "Choose an active person." in refused.text


def test_the_card_forms_offer_no_save_and_add_another(client_of, team):
    owner = client_of("owner")
    card = make_card(agent=team["agent"], manager=team["manager"])
    for url in ("/admin/cards/new/", f"/admin/cards/edit/?id={card.id}"):
        page = owner.get(url)
        assert page.status_code == 200
        assert 'name="_add_another"' not in page.text and 'name="_continue_editing"' in page.text
