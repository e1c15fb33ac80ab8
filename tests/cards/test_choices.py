"""Each process keeps the select lists (banks, suppliers, people by role) per version of the
'directories' signal: a signed-in page reads them once a version, and a change from anywhere — the
panel, another process, psql — shows at the next request."""

import pytest
from sqlalchemy import text

from extensions import db
from models.cards.directory import Bank, Contractor
from tests.factories.cards import card_number, make_card, stage_of, walk_to
from tests.factories.platform import make_user
from tests.sql_capture import get_with_sql
from tests.view_helpers import run_outside_app, sign_in


def version():
    with db.engine.connect() as connection:
        return connection.scalar(text("SELECT version FROM cache_signals WHERE name = 'directories'"))


@pytest.fixture
def owner():
    return make_user("kept_owner", "owner", language="en")


@pytest.fixture
def bank():
    bank = Bank(name="Kept Bank")
    db.session.add(bank)
    db.session.add(Contractor(name="Kept Supplier"))
    db.session.commit()
    return bank


def test_the_tracker_and_the_archive_read_their_lists_once_a_version(app, owner, bank):
    agent = make_user("kept_agent", "agent", full_name="Kept Agent")
    client = sign_in(app, owner)
    first, sql = get_with_sql(client, "/admin/tracker/")
    assert first.status_code == 200 and sql.from_table("banks")
    assert "Kept Bank" in first.text and "Kept Agent" in first.text
    again, sql = get_with_sql(client, "/admin/tracker/")
    assert again.status_code == 200 and not sql.from_table("banks")
    assert not [s for s in sql.statements if "roles.code" in s]  # the agents and managers are kept too
    assert "Kept Bank" in again.text and f'value="{agent.id}"' in again.text
    client.get("/admin/cards/?tab=archive")
    archive, sql = get_with_sql(client, "/admin/cards/?tab=archive")
    assert archive.status_code == 200 and "Kept Supplier" in archive.text
    assert not sql.from_table("banks") and not sql.from_table("contractors")


def test_a_change_from_outside_the_app_shows_at_the_next_request(app, owner, bank):
    client = sign_in(app, owner)
    assert "Kept Bank" in client.get("/admin/tracker/").text
    run_outside_app("UPDATE banks SET name = 'Renamed Bank' WHERE id = :id", id=bank.id)
    response, sql = get_with_sql(client, "/admin/tracker/")
    assert len(sql.from_table("banks")) == 1
    assert "Renamed Bank" in response.text and "Kept Bank" not in response.text
    run_outside_app("INSERT INTO contractors (name, is_active, created_at, updated_at) VALUES ('New Supplier', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")  # fmt: skip
    assert "New Supplier" in client.get("/admin/cards/?tab=archive").text


def test_a_person_blocked_or_renamed_in_the_panel_shows_at_once(app, owner):
    agent = make_user("kept_agent2", "agent", full_name="Blockable Agent")
    client = sign_in(app, owner)
    client.get("/admin/tracker/")
    assert "Blockable Agent" in client.get("/admin/cards/?tab=archive").text
    agent.full_name = "Renamed Agent"
    db.session.commit()
    assert "Renamed Agent" in client.get("/admin/tracker/").text
    agent.is_blocked = True
    db.session.commit()
    assert "Renamed Agent" not in client.get("/admin/cards/?tab=archive").text  # the active people only
    assert "Renamed Agent" in client.get("/admin/tracker/").text  # his cards are still on the board


def test_the_stages_names_are_kept_until_a_stage_changes(app, owner):
    card = make_card()
    client = sign_in(app, owner)
    for url in ("/admin/tracker/", f"/admin/cards/details/?id={card.id}", "/admin/cards/?tab=new"):
        client.get(url)
        response, sql = get_with_sql(client, url)
        assert response.status_code == 200 and not [s for s in sql.statements if "stages.name_en" in s], url
    stage_id = card.stage_id
    run_outside_app("UPDATE stages SET name_en = 'Freshly renamed' WHERE id = :id", id=stage_id)
    for url in ("/admin/tracker/", f"/admin/cards/details/?id={card.id}", "/admin/cards/?tab=new"):
        assert "Freshly renamed" in client.get(url).text, url


def test_the_auto_tasks_tab_keeps_the_stages_fields_until_a_field_changes(app, owner):
    card = make_card(number=card_number(2019))
    walk_to(card, "promo_top_up", owner)  # the first step closed with its modal's values
    field = stage_of("linking_access").fields[0]
    url = f"/admin/tasks/auto/?card={card.id}"
    client = sign_in(app, owner)
    first = client.get(url)
    assert first.status_code == 200 and f"{field.label_en}:" in first.text
    response, sql = get_with_sql(client, url)
    assert response.status_code == 200 and f"{field.label_en}:" in response.text
    assert not sql.from_table("stage_fields") and not [s for s in sql.statements if "stages.name_en" in s]
    run_outside_app("UPDATE stage_fields SET label_en = 'Relabelled from outside' WHERE id = :id", id=field.id)
    response, sql = get_with_sql(client, url)
    assert "Relabelled from outside:" in response.text and len(sql.from_table("stage_fields")) == 1


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO banks (name, commission_percent, commission_fixed, is_active, created_at, updated_at)"
        " VALUES ('Other', 0, 0, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        "UPDATE banks SET is_active = false",
        "DELETE FROM banks",
        "UPDATE contractors SET name = 'Another'",
        "DELETE FROM contractors",
        "UPDATE users SET full_name = 'Someone Else' WHERE username = 'kept_owner'",
        "UPDATE users SET username = 'kept_owner2' WHERE username = 'kept_owner'",
        "UPDATE users SET is_blocked = true WHERE username = 'kept_owner'",
        "UPDATE users SET deleted_at = CURRENT_TIMESTAMP WHERE username = 'kept_owner'",
        "UPDATE users SET role_id = (SELECT id FROM roles WHERE code = 'agent') WHERE username = 'kept_owner'",
        "UPDATE roles SET code = 'field_agent' WHERE code = 'agent'",
        "UPDATE stages SET color = '#000000'",
        "UPDATE stages SET name_en = 'Renamed' WHERE position = 1",
        "DELETE FROM stage_fields; DELETE FROM stage_moves; DELETE FROM stages WHERE is_final",
        "UPDATE pipelines SET code = code",
        "UPDATE stage_fields SET label_en = 'Relabelled'",
        "UPDATE stage_fields SET position = position + 1",
        "DELETE FROM stage_fields",
        "INSERT INTO stage_fields (stage_id, position, name, label_uk, label_ru, label_en, type, required)"
        " SELECT id, 99, 'extra', 'Додаткове', 'Дополнительное', 'Extra', 'text', false FROM stages WHERE position = 1",
    ],
)
def test_every_change_to_a_list_bumps_the_version(app, owner, bank, statement):
    before = version()
    for part in statement.split("; "):
        run_outside_app(part)
    assert version() != before


def test_other_changes_leave_the_version_alone(app, owner, bank):
    before = version()
    run_outside_app("UPDATE users SET language = 'uk', last_login_at = NULL WHERE username = 'kept_owner'")
    run_outside_app("UPDATE roles SET name_en = 'Field agent' WHERE code = 'agent'")
    run_outside_app("UPDATE pipelines SET name_en = 'Cards board'")
    assert version() == before


def test_the_migration_reverts_and_applies_again(app, owner, bank):
    from flask_migrate import downgrade, upgrade

    client = sign_in(app, owner)
    db.session.remove()
    downgrade(directory="migrations", revision="b1c2d3e4f509")
    try:
        assert version() is None
        run_outside_app("UPDATE banks SET name = 'Unwatched Bank'")  # no trigger left to bump a missing row
    finally:
        upgrade(directory="migrations")
    before = version()
    assert before is not None
    run_outside_app("UPDATE banks SET name = 'Watched Bank'")
    assert version() != before
    assert "Watched Bank" in client.get("/admin/tracker/").text


def test_without_the_signal_row_the_lists_are_read_at_every_request(app, owner, bank):
    """(Today's code on today's schema: the code of a later release need not run on an older one.)"""
    client = sign_in(app, owner)
    run_outside_app("DELETE FROM cache_signals WHERE name = 'directories'")
    assert version() is None
    for name, rename in (
        ("Unwatched Bank", "UPDATE banks SET name = 'Unwatched Bank'"),
        ("Still Unwatched Bank", "UPDATE banks SET name = 'Still Unwatched Bank'"),
    ):
        run_outside_app(rename)
        response, sql = get_with_sql(client, "/admin/tracker/")
        assert name in response.text and sql.from_table("banks")  # no version: read each request
