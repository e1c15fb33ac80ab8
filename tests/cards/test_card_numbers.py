"""Card numbers as payment data: sealed at rest, unique by a keyed hash, masked everywhere, the full
number revealed only to a role granted it, each reveal in the change log."""

import json
import logging
import re

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy import select

from extensions import db
from jobs.exports import as_user
from models.cards.card import Card
from models.platform.audit import ChangeLog
from services.cards import card_numbers
from services.cards import lists as card_lists
from services.exports import registry as exports
from services.platform import sealed
from tests.cards.helpers import card_form, fresh_card
from tests.conftest import csrf_token
from tests.factories.cards import card_number, put_on, walk_to
from tests.realtime.socket_client import Sockets

FULL = card_number(7_0042_1001)  # ends in 1001


def test_a_typed_number_must_be_a_card_number():
    assert card_numbers.full_digits(card_numbers.grouped(FULL)) == FULL
    assert card_numbers.full_digits(FULL[:4] + "-" + FULL[4:]) == FULL
    wrong_check = FULL[:-1] + str((int(FULL[-1]) + 1) % 10)
    for typed, message in (
        ("", "Enter the card number."),
        ("5168 75ab", "A card number is made of digits only."),
        ("4111 1111 111", "A card number has 12 to 19 digits."),
        ("4" * 20, "A card number has 12 to 19 digits."),
        (wrong_check, "This is not a valid card number: check the digits."),
    ):
        with pytest.raises(card_numbers.NumberError) as refused:
            card_numbers.full_digits(typed)
        with force_locale("en"):
            assert str(refused.value.message) == message, typed


def test_the_masked_form_keeps_the_first_six_and_the_last_four():
    assert card_numbers.masked("5168757004201001") == "5168 75** **** 1001"
    assert card_numbers.masked("4111111111111111111") == "4111 11** **** ***1 111"
    assert card_numbers.masked("123456789012") == "1234 56** 9012"


def test_the_full_number_is_kept_only_sealed(team):
    card = fresh_card(_created(team))
    assert card.number == "5168 75** **** 1001"
    with db.engine.connect() as connection:
        row = connection.execute(sa.text("SELECT * FROM cards WHERE id = :id"), {"id": card.id}).one()
    stored = " ".join(value.hex() if isinstance(value, bytes) else str(value) for value in row)
    assert FULL not in stored and FULL.encode().hex() not in stored
    assert sealed.unseal(card.number_sealed, card_numbers.PURPOSE) == FULL
    assert card.number_hash == card_numbers.lookup_hash(FULL) != card_numbers.lookup_hash(card_number(1))
    with pytest.raises(sealed.SealError):
        sealed.unseal(card.number_sealed, "another purpose")
    altered = bytearray(card.number_sealed)
    altered[-1] ^= 1
    with pytest.raises(sealed.SealError):
        sealed.unseal(bytes(altered), card_numbers.PURPOSE)


def test_another_key_opens_nothing(app, team):
    card = fresh_card(_created(team))
    kept = app.config["DATA_ENCRYPTION_KEY"]
    app.config["DATA_ENCRYPTION_KEY"] = "A" * 43
    try:
        with pytest.raises(sealed.SealError):
            sealed.unseal(card.number_sealed, card_numbers.PURPOSE)
        assert card_numbers.lookup_hash(FULL) != card.number_hash
    finally:
        app.config["DATA_ENCRYPTION_KEY"] = kept


def test_a_number_stays_unique_however_it_is_typed(client_of, team):
    _created(team)
    manager = client_of("manager")
    typed = FULL[:4] + "-" + FULL[4:8] + " " + FULL[8:]
    data = dict(card_form(team, number=typed), csrf_token=csrf_token(manager, "/admin/cards/new/"))
    page = manager.post("/admin/cards/new/", data=data)
    assert page.status_code == 200 and "A card with this number already exists." in page.text
    assert db.session.scalar(select(sa.func.count()).select_from(Card)) == 1


def test_the_edit_form_keeps_the_number_unless_a_new_one_is_typed(client_of, team):
    card = _created(team)
    owner = client_of("owner")
    page = owner.get(f"/admin/cards/edit/?id={card.id}")
    assert 'value="5168 75** **** 1001"' in page.text and FULL not in page.text
    sealed_before = fresh_card(card).number_sealed

    def save(**fields):
        data = dict(card_form(team, **fields), lock_version=str(fresh_card(card).version))
        return owner.post(
            f"/admin/cards/edit/?id={card.id}", data=dict(data, csrf_token=csrf_token(owner, "/admin/cards/"))
        )

    assert save(number="5168 75** **** 1001", notes="kept").status_code == 302
    assert fresh_card(card).number_sealed == sealed_before and fresh_card(card).notes == "kept"
    assert save(number="5168 75** **** 9999").status_code == 200  # a mask is no number to save
    new = card_number(8_0000_2002)
    assert save(number=new).status_code == 302
    changed = fresh_card(card)
    assert changed.number == "5168 75** **** 2002" and sealed.unseal(changed.number_sealed, "card number") == new
    history = db.session.scalars(select(ChangeLog).where(ChangeLog.entity == "cards", ChangeLog.field.like("number%")))
    assert [(row.field, row.old_value, row.new_value) for row in history] == [
        ("number", "5168 75** **** 1001", "5168 75** **** 2002")
    ]


def test_the_reveal_is_for_roles_granted_it_and_each_one_is_logged(client_of, team):
    card = _created(team)
    url = f"/admin/cards/{card.id}/number"
    for name in ("agent", "manager", "admin"):
        client = client_of(name)
        page = client.get(f"/admin/cards/details/?id={card.id}")
        assert "Show the full number" not in page.text, name
        assert client.post(url, data={"csrf_token": csrf_token(client, "/admin/cards/")}).status_code == 403, name
    assert _reveals(card) == []
    for name in ("owner", "accountant"):
        client = client_of(name)
        assert "Show the full number" in client.get(f"/admin/cards/details/?id={card.id}").text
        answer = client.post(url, data={"csrf_token": csrf_token(client, "/admin/cards/")})
        assert answer.status_code == 200 and answer.json == {"number": card_numbers.grouped(FULL)}
        assert "no-store" in answer.headers["Cache-Control"]
    assert _reveals(card) == [team["owner"].id, team["accountant"].id]
    owner = client_of("owner")
    assert owner.post(url).status_code == 400  # no CSRF token: nothing revealed, nothing logged
    assert owner.get(url).status_code == 405
    assert _reveals(card) == [team["owner"].id, team["accountant"].id]
    log = owner.get("/admin/changelog/")
    assert "revealed" in log.text and FULL not in log.text


def test_a_number_never_recorded_in_full_says_so(client_of, team):
    card = _created(team)
    card.number_sealed = None
    db.session.commit()
    owner = client_of("owner")
    answer = owner.post(f"/admin/cards/{card.id}/number", data={"csrf_token": csrf_token(owner, "/admin/cards/")})
    assert answer.json == {"message": "Only the masked number of this card was ever recorded."}
    assert _reveals(card) == []


def test_the_full_number_appears_in_no_page_export_log_or_socket_message(app, client_of, team, tmp_path, caplog):
    """Made through the form, moved on the board, put in a task: then every page, export, log line and
    socket message an agent or a manager meets is searched for the digits, spaced or not."""
    sockets = Sockets(app)
    try:
        watching = {name: sockets(client_of(name)) for name in ("owner", "agent", "manager")}
        for name, socket in watching.items():
            room = "board:cards:all" if name == "owner" else f"board:cards:viewer:{team[name].id}"
            assert socket.join(room)["ok"], name
        caplog.set_level(logging.INFO)
        card = _created_through_the_form(client_of("manager"), team)
        walk_to(card, "take_access", team["owner"])
        agent, manager = client_of("agent"), client_of("manager")
        task = {
            "title": "Call",
            "assignee_id": str(team["manager"].id),
            "deadline": "2030-01-01T10:00",
            "card_id": card.id,
        }
        assert (
            manager.post(
                "/admin/tasks/new/", data=dict(task, csrf_token=csrf_token(manager, "/admin/tasks/new/"))
            ).status_code
            == 302
        )
        texts = []
        for client in (agent, manager):
            for url in (
                "/admin/",
                *(f"/admin/cards/?tab={tab}" for tab in ("new", "in_work", "worked_off", "archive")),
                f"/admin/cards/details/?id={card.id}",
                f"/admin/cards/edit/?id={card.id}",
                "/admin/tracker/",
                f"/admin/tracker/?q=1001&open={card.id}",
                f"/admin/tracker/{card.id}/modal",
                f"/admin/tracker/{card.id}/history",
                f"/admin/tasks/auto/?card={card.id}",
                "/admin/tasks/",
                "/admin/tasks/?tab=outgoing",
            ):
                response = client.get(url)
                assert response.status_code in (200, 302, 403), url
                texts.append(response.text)
        for key in ("cards.new", "cards.in_work"):
            for fmt in ("csv", "xlsx"):
                path = tmp_path / f"{key}.{fmt}"
                with as_user(team["manager"]):
                    exports.build(exports.get(key), team["manager"], {}, fmt, path)
                texts.append(_readable(path))
        texts.append(client_of("owner").get("/admin/changelog/").text)
        texts.extend(json.dumps(socket.sio.get_received(), default=str) for socket in watching.values())
        texts.append(caplog.text)
        digits = re.compile(r"\D?".join(FULL))  # the digits with any one separator between them
        assert [text for text in texts if digits.search(text)] == []
        assert any("5168 75** **** 1001" in text for text in texts)
    finally:
        sockets.close_all()


def test_the_archives_number_filter_finds_any_run_of_the_digits_shown(team):
    olga = put_on(_created(team), "archived")
    put_on(_created_with(team, card_number(9_0000_3003, first6="414949")), "archived")
    for term, found in (
        ("5168 75", {olga.id}),  # the first digits
        ("1001", {olga.id}),  # the last four
        ("001", {olga.id}),  # any run of the digits shown
        ("5168 75** **** 1001", {olga.id}),  # as the pages show it
        (card_numbers.grouped(FULL), {olga.id}),  # the full number, by its hash
        ("7510", set()),  # no run across the mask
        ("Olga", set()),  # a number filter looks for digits only
    ):
        rows, _next = card_lists.archive_page(team["owner"], card_lists.ArchiveFilters.from_args({"number": term}))
        assert {row.id for row in rows} == found, term


def test_a_full_number_searched_for_stays_out_of_the_address(client_of, team):
    card = _created(team)
    agent = client_of("agent")
    answer = agent.get(f"/admin/tracker/?q={FULL}")
    assert answer.status_code == 302 and FULL not in answer.location and "1001" in answer.location
    board = agent.get(answer.location)
    assert f'data-subject-id="{card.id}"' in board.text and FULL not in board.text


def _created(team):
    from services.cards import operations as cards

    card = cards.create(
        by=team["owner"],
        number=FULL,
        contact_name="Kept Sealed",
        agent=team["agent"],
        manager=team["manager"],
        accountant=team["accountant"],
    )
    db.session.commit()
    return card


def _created_through_the_form(manager, team):
    data = dict(card_form(team, number=card_numbers.grouped(FULL)), csrf_token=csrf_token(manager, "/admin/cards/new/"))
    assert manager.post("/admin/cards/new/", data=data).status_code == 302
    return db.session.scalar(select(Card).where(Card.number_hash == card_numbers.lookup_hash(FULL)))


def _readable(path):
    """An export's text: a CSV as it is, an XLSX's cells."""
    if path.suffix == ".csv":
        return path.read_bytes().decode("utf-8-sig")
    sheet = openpyxl.load_workbook(path, read_only=True).active
    return "\n".join(" ".join(str(value) for value in row) for row in sheet.iter_rows(values_only=True))


def _reveals(card):
    rows = db.session.scalars(
        select(ChangeLog).where(
            ChangeLog.entity == "cards", ChangeLog.entity_id == str(card.id), ChangeLog.action == "reveal"
        )
    )
    return [row.user_id for row in rows]


def test_the_migration_seals_the_numbers_kept_in_clear_and_the_downgrade_opens_them(team):
    from flask_migrate import downgrade, upgrade

    card_id, legacy_id = _created(team).id, _created_with(team, card_number(9_0000_3003)).id
    db.session.remove()
    downgrade(directory="migrations", revision="b1c2d3e4f518")
    try:
        with db.engine.begin() as connection:
            clear = dict(connection.execute(sa.text("SELECT id, number FROM cards")).all())
            assert clear[card_id] == card_numbers.grouped(FULL)
            # A number recorded before with its middle digits already hidden stays as it is.
            connection.execute(
                sa.text("UPDATE cards SET number = '4149 49** **** 3003' WHERE id = :id"), {"id": legacy_id}
            )
    finally:
        upgrade(directory="migrations")
    card, legacy = fresh_card(db.session.get(Card, card_id)), fresh_card(db.session.get(Card, legacy_id))
    assert card.number == "5168 75** **** 1001" and sealed.unseal(card.number_sealed, "card number") == FULL
    assert card.number_hash == card_numbers.lookup_hash(FULL)
    assert legacy.number == "4149 49** **** 3003" and legacy.number_sealed is None and legacy.number_hash


def _created_with(team, number):
    from services.cards import operations as cards

    card = cards.create(by=team["owner"], number=number, contact_name="Another", agent=team["agent"])
    db.session.commit()
    return card
