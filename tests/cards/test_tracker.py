"""The task tracker's HTTP endpoints: board, counts, column pages, the move modal, moves, history.
Here `team` (two managers with their agents, placed in the org tree) and `client_of` stand in for
the cards section's (conftest.py)."""

import re
from zoneinfo import ZoneInfo

import pytest
from markupsafe import escape
from sqlalchemy import select

from extensions import db
from models.base import utcnow
from models.cards.card import Card
from models.pipeline import StageTask
from models.platform.audit import ChangeLog
from services.cards import board as card_board
from services.platform.timezones import to_local
from tests.conftest import csrf_token
from tests.factories.cards import card_number, make_card, shown_number, stage_of, walk_to
from tests.factories.platform import make_office, make_team, make_user, place
from tests.view_helpers import signed_in


@pytest.fixture
def team():
    return make_team(
        {"owner": "owner", "accountant": "accountant", "manager": "manager", "agent": "agent",
         "manager2": "manager", "agent2": "agent"},
        {"agent": "manager", "agent2": "manager2"},
        names={"owner": "Olena Owner"},
    )  # fmt: skip


@pytest.fixture
def cards(team):
    """One card of each agent, both on the first stage."""
    return {
        "mine": make_card(
            agent=team["agent"], manager=team["manager"], accountant=team["accountant"], number=card_number(2020)
        ),
        "theirs": make_card(
            agent=team["agent2"], manager=team["manager2"], accountant=team["accountant"], number=card_number(2021)
        ),
    }


@pytest.fixture
def client_of(app, login_as, team):
    return lambda name: signed_in(app, login_as, team[name])


def _move_form(client, card, to_stage, values, token=True):
    data = {"version": str(card.version), "to_stage": str(to_stage.id)}
    data.update({f"field.{name}": value for name, value in values.items()})
    if token:
        data["csrf_token"] = csrf_token(client, "/admin/tracker/")
    return client.post(f"/admin/tracker/{card.id}/move", data=data, headers={"Accept": "application/json"})


def _state(card):
    db.session.expire_all()
    fresh = db.session.get(Card, card.id)
    tasks = db.session.scalars(
        select(StageTask).where(StageTask.subject_type == "card", StageTask.subject_id == card.id)
    ).all()
    return fresh.stage_id, fresh.version, [(t.id, t.closed_at) for t in tasks]


def test_the_board_shows_the_columns_and_their_counts(client_of, cards):
    page = client_of("owner").get("/admin/tracker/")
    assert page.status_code == 200
    for stage in card_board.cards_pipeline().stages:
        assert (f'data-stage-id="{stage.id}"' in page.text) is not stage.is_final
    assert f'data-count-for="{stage_of("linking_access").id}">2<' in page.text
    assert shown_number(2020) in page.text and shown_number(2021) in page.text
    assert 'data-room="board:cards:all"' in page.text


def test_an_agent_sees_only_the_tasks_of_his_cards(client_of, cards, team):
    agent = client_of("agent")
    page = agent.get("/admin/tracker/")
    assert shown_number(2020) in page.text and shown_number(2021) not in page.text
    assert f'data-room="board:cards:viewer:{team["agent"].id}"' in page.text
    assert agent.get("/admin/tracker/counts").json == {str(stage_of("linking_access").id): 1}
    rows = agent.get(f"/admin/tracker/column/{stage_of('linking_access').id}").json["rows"]
    assert [row["subject_id"] for row in rows] == [cards["mine"].id]


def test_filters_apply_to_the_page_counts_and_columns(client_of, cards, team):
    owner = client_of("owner")
    page = owner.get(f"/admin/tracker/?agent={team['agent2'].id}")
    assert shown_number(2021) in page.text and shown_number(2020) not in page.text
    assert owner.get(f"/admin/tracker/counts?manager={team['manager'].id}").json == {
        str(stage_of("linking_access").id): 1
    }
    assert owner.get("/admin/tracker/counts?mine=1").json == {}
    column = owner.get(f"/admin/tracker/column/{stage_of('linking_access').id}?manager={team['manager2'].id}").json
    assert [row["title"] for row in column["rows"]] == [shown_number(2021)]


def test_a_column_pages_by_cursor(client_of, team):
    made = {make_card(agent=team["agent"]).id for _ in range(72)}
    owner = client_of("owner")
    url = f"/admin/tracker/column/{stage_of('linking_access').id}"
    first = owner.get(url).json
    assert len(first["rows"]) == card_board.FIRST_PAGE_SIZE == 20 and first["next"]
    second = owner.get(url, query_string={"after": first["next"]}).json
    assert len(second["rows"]) == card_board.PAGE_SIZE == 50 and second["next"]
    third = owner.get(url, query_string={"after": second["next"]}).json
    assert len(third["rows"]) == 2 and third["next"] is None
    seen = [row["subject_id"] for row in first["rows"] + second["rows"] + third["rows"]]
    assert len(seen) == len(set(seen)) and set(seen) == made


def test_the_board_page_carries_each_columns_first_page_and_where_the_next_begins(client_of, team):
    made = {make_card(agent=team["agent"]).id for _ in range(23)}
    stage_id = stage_of("linking_access").id
    owner = client_of("owner")
    page = owner.get("/admin/tracker/").text
    column = page.split(f'data-stage-id="{stage_id}"', 1)[1].split("</section>", 1)[0]
    shown = [int(card_id) for card_id in re.findall(r'data-subject-id="(\d+)"', column)]
    assert len(shown) == card_board.FIRST_PAGE_SIZE
    cursor = re.search(r'data-cursor="([^"]*)"', column).group(1)
    rest = owner.get(f"/admin/tracker/column/{stage_id}", query_string={"after": cursor}).json
    assert rest["next"] is None
    assert sorted(shown + [row["subject_id"] for row in rest["rows"]]) == sorted(made)
    other = page.split(f'data-stage-id="{stage_of("promo_top_up").id}"', 1)[1].split("</section>", 1)[0]
    assert 'data-cursor=""' in other  # an empty column has no next page


@pytest.mark.parametrize("cursor", ["garbage", "2026-13-01T00:00:00_1", "2026-01-01T00:00:00_x", "_"])
def test_a_bad_cursor_is_400(client_of, cards, cursor):
    response = client_of("owner").get(
        f"/admin/tracker/column/{stage_of('linking_access').id}", query_string={"after": cursor}
    )
    assert response.status_code == 400
    assert response.json["error"]


def test_another_agents_card_is_404_everywhere(client_of, cards, team):
    agent = client_of("agent")
    theirs = cards["theirs"]
    before = _state(theirs)
    assert agent.get(f"/admin/tracker/{theirs.id}/modal").status_code == 404
    assert agent.get(f"/admin/tracker/{theirs.id}/history").status_code == 404
    token = csrf_token(agent, f"/admin/tracker/{cards['mine'].id}/modal")
    response = agent.post(
        f"/admin/tracker/{theirs.id}/move",
        data={"csrf_token": token, "version": "1", "to_stage": str(stage_of("promo_top_up").id)},
    )
    assert response.status_code == 404
    assert agent.get("/admin/tracker/999999/modal").status_code == 404
    assert _state(theirs) == before


def test_the_modal_renders_the_current_stages_fields(client_of, cards):
    card, target = cards["mine"], stage_of("promo_top_up")
    page = client_of("agent").get(f"/admin/tracker/{card.id}/modal?to={target.id}")
    assert page.status_code == 200
    for spec in card.stage.fields:
        assert f'name="field.{spec.name}"' in page.text
        assert re.search(rf'<label[^>]*for="f-{spec.name}"[^>]*>{re.escape(escape(spec.label_uk))}', page.text)
    assert re.search(rf'<option value="{target.id}" data-code="{target.code}"\s+selected>', page.text)
    assert 'name="version" value="1"' in page.text
    assert "disabled" not in page.text.split('type="submit"')[1].split(">")[0]
    # The first stage's date (linked on) is of the day the work is done: today, in the agent's zone.
    today = to_local(utcnow(), ZoneInfo(cards["mine"].agent.timezone)).date().isoformat()
    assert 'type="date" id="f-linked_on" name="field.linked_on" value="' + today + '"' in page.text


def test_the_modal_of_a_card_i_may_only_watch_has_no_save(client_of, cards):
    page = client_of("accountant").get(f"/admin/tracker/{cards['mine'].id}/modal")
    assert page.status_code == 200
    assert "disabled" in page.text.split('type="submit"')[1].split(">")[0]


def test_a_move_with_missing_fields_is_422_with_field_errors(client_of, cards):
    card = cards["mine"]
    before = _state(card)
    response = _move_form(client_of("agent"), card, stage_of("promo_top_up"), {"comment": "x"})
    assert response.status_code == 422
    assert response.json["ok"] is False and response.json["message"]
    assert set(response.json["errors"]) == {"bank_login_done", "linked_on"}
    assert _state(card) == before


def test_the_next_responsible_is_offered_and_accepted_only_among_who_may_take_it(client_of, cards, team):
    from seeds.demo_cards import sample_values

    intern = make_user(full_name="Ivan Intern")
    place(intern, make_office(), "intern")
    card = cards["mine"]
    walk_to(card, "take_access", team["owner"])
    team["manager"].language = "en"
    db.session.commit()
    manager, fund_card = client_of("manager"), stage_of("fund_card")
    modal = manager.get(f"/admin/tracker/{card.id}/modal?to={fund_card.id}")
    person_select = re.search(r'id="f-next_responsible"[^>]*>(.*?)</select>', modal.text, re.S).group(1)
    assert set(re.findall(r'<option value="(\d+)"', person_select)) == {str(team["accountant"].id)}
    before = _state(card)
    values = dict(sample_values(card.stage), next_responsible=str(intern.id))
    refused = _move_form(manager, card, fund_card, values)
    assert refused.status_code == 422 and refused.json["ok"] is False
    assert refused.json["errors"] == {"next_responsible": "Choose one of the people offered for the next stage."}
    assert _state(card) == before
    values["next_responsible"] = str(team["accountant"].id)
    accepted = _move_form(manager, card, fund_card, values)
    assert accepted.status_code == 200, accepted.text
    opened = select(StageTask.assignee_id).where(StageTask.subject_id == card.id, StageTask.closed_at.is_(None))
    assert db.session.scalar(opened) == team["accountant"].id


def test_a_move_without_the_csrf_token_is_400(client_of, cards):
    card = cards["mine"]
    before = _state(card)
    agent = client_of("agent")
    values = {"bank_login_done": "1", "linked_on": "2026-01-15"}
    assert _move_form(agent, card, stage_of("promo_top_up"), values, token=False).status_code == 400
    assert _state(card) == before
    # tracker.js sends the page's token in the X-CSRFToken header
    data = {"version": "1", "to_stage": str(stage_of("promo_top_up").id), "field.bank_login_done": "1"}
    data["field.linked_on"] = "2026-01-15"
    headers = {"X-CSRFToken": csrf_token(agent, f"/admin/tracker/{card.id}/modal")}
    assert agent.post(f"/admin/tracker/{card.id}/move", data=data, headers=headers).status_code == 200


def test_a_move_through_the_endpoint(client_of, cards, team):
    card, target = cards["mine"], stage_of("promo_top_up")
    source = card.stage_id
    agent = client_of("agent")
    response = _move_form(agent, card, target, {"bank_login_done": "1", "linked_on": "2026-01-15"})
    assert response.status_code == 200, response.text
    assert response.json == {
        "ok": True,
        "subject_id": card.id,
        "from": source,
        "to": target.id,
        "version": 2,
        "message": None,
    }
    stage_id, version, tasks = _state(card)
    assert (stage_id, version, len(tasks)) == (target.id, 2, 2)
    audit = db.session.scalars(
        select(ChangeLog).where(
            ChangeLog.entity == "cards", ChangeLog.entity_id == str(card.id), ChangeLog.field == "stage_id"
        )
    ).one()
    assert (audit.user_id, audit.old_value, audit.new_value) == (team["agent"].id, str(source), str(target.id))
    history = agent.get(f"/admin/tracker/{card.id}/history")
    assert history.status_code == 200
    assert "2026-01-15" in history.text and target.name_uk in history.text
    # The same (now stale) form again: a clear conflict, not a second move.
    card.version = 1
    again = _move_form(agent, card, target, {"bank_login_done": "1", "linked_on": "2026-01-15"})
    assert again.status_code == 409 and again.json["ok"] is False


def test_only_the_assignee_or_his_leaders_move(client_of, cards, team):
    card, target = cards["mine"], stage_of("promo_top_up")
    values = {"bank_login_done": "1", "linked_on": "2026-01-15"}
    assert _move_form(client_of("accountant"), card, target, values).status_code == 403
    assert _move_form(client_of("manager2"), card, target, values).status_code == 404  # not in his scope
    assert _move_form(client_of("manager"), card, target, values).status_code == 200


def test_a_move_that_is_not_allowed_is_400(client_of, cards):
    card, owner = cards["mine"], client_of("owner")
    before = _state(card)
    response = _move_form(owner, card, stage_of("engagement"), {})
    assert response.status_code == 400 and response.json["ok"] is False
    token = csrf_token(owner, f"/admin/tracker/{card.id}/modal")
    for to_stage in ("nope", "", "999999"):
        bad = owner.post(
            f"/admin/tracker/{card.id}/move",
            data={"csrf_token": token, "version": "1", "to_stage": to_stage},
        )
        assert bad.status_code == 400 and bad.json["ok"] is False
    assert _state(card) == before


@pytest.mark.parametrize(
    ("field", "raw", "status"),
    [("to_stage", "²", 400), ("to_stage", "9" * 30, 400), ("version", "²", 409), ("version", "9" * 30, 409)],
)
def test_malformed_numbers_in_a_move_are_refused(client_of, cards, field, raw, status):
    card, owner = cards["mine"], client_of("owner")
    before = _state(card)
    data = {
        "csrf_token": csrf_token(owner, "/admin/tracker/"),
        "version": "1",
        "to_stage": str(stage_of("promo_top_up").id),
    }
    data[field] = raw
    response = owner.post(f"/admin/tracker/{card.id}/move", data=data)
    assert response.status_code == status and response.json["ok"] is False
    assert _state(card) == before


@pytest.mark.parametrize("raw", ["²", "9" * 30])
def test_malformed_numbers_in_the_query_are_ignored(client_of, cards, raw):
    owner = client_of("owner")
    assert owner.get(f"/admin/tracker/{cards['mine'].id}/modal", query_string={"to": raw}).status_code == 200
    for name in ("agent", "manager", "bank"):
        assert owner.get("/admin/tracker/counts", query_string={name: raw}).json == {
            str(stage_of("linking_access").id): 2
        }
        assert owner.get("/admin/tracker/", query_string={name: raw}).status_code == 200


def test_the_history_lists_every_step(client_of, cards, team):
    card = cards["mine"]
    walk_to(card, "take_access", team["owner"])
    page = client_of("agent").get(f"/admin/tracker/{card.id}/history")
    assert page.status_code == 200
    for code in ("linking_access", "promo_top_up", "engagement", "take_access"):
        assert escape(stage_of(code).name_uk) in page.text


def test_the_stage_history_reads_labels_names_and_money_not_codes(client_of, cards, team):
    from services import pipeline

    card = cards["mine"]
    walk_to(card, "promo_top_up", team["owner"])
    pipeline.move(card, stage_of("engagement"), {"amount": "1250.5", "topped_up_on": "2026-12-02"}, team["owner"],
                  card.version)  # fmt: skip
    walk_to(card, "bank_check", team["owner"])
    pipeline.step(card, {"answer_received": "no"}, team["manager"], card.version)
    db.session.commit()
    page = client_of("owner").get(f"/admin/tracker/{card.id}/history")  # the owner reads Ukrainian
    assert page.status_code == 200
    assert "Відповідь отримано:</span> Ні<" in page.text and "> no<" not in page.text
    assert "1\u202f250.50" in page.text
    assert str(escape(team["manager"].full_name or team["manager"].username)) in page.text


def test_the_modal_offers_the_moves_back_to_the_owner_only(client_of, cards, team):
    card = cards["mine"]
    walk_to(card, "promo_top_up", team["owner"])
    back = stage_of("linking_access")
    owner_modal = client_of("owner").get(f"/admin/tracker/{card.id}/modal").text
    assert re.search(rf'<option value="{back.id}" data-back="1">', owner_modal)
    agent_modal = client_of("agent").get(f"/admin/tracker/{card.id}/modal").text
    assert "data-back" not in agent_modal


def test_the_undo_endpoint_takes_back_the_movers_move_and_refuses_anyone_else(client_of, cards, team):
    card, target = cards["mine"], stage_of("promo_top_up")
    agent = client_of("agent")
    moved = _move_form(agent, card, target, {"bank_login_done": "1", "linked_on": "2026-01-15"})
    assert moved.status_code == 200
    version = str(moved.json["version"])
    headers = {"X-CSRFToken": csrf_token(agent, "/admin/tracker/")}
    owner = client_of("owner")
    refused = owner.post(f"/admin/tracker/{card.id}/undo", data={"version": version},
                         headers={"X-CSRFToken": csrf_token(owner, "/admin/tracker/")})  # fmt: skip
    assert refused.status_code == 409 and refused.json["ok"] is False
    undone = agent.post(f"/admin/tracker/{card.id}/undo", data={"version": version}, headers=headers)
    assert undone.status_code == 200 and undone.json["to"] == stage_of("linking_access").id
    stage_id, _version, _tasks = _state(card)
    assert stage_id == stage_of("linking_access").id
