"""The change log in words: every audited field has a label, values read as names, labels and local
times, and the pages that show changes show no codes."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import inspect, select

from admin_views.change_words import TABLES, field_label, page_of_changes
from extensions import db
from models.platform.audit import ChangeLog
from tests.factories.cards import card_number, shown_number, stage_of
from tests.view_helpers import signed_in


def _audited_fields():
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if getattr(model, "__audited__", False):
            excluded = getattr(model, "__audit_exclude__", frozenset())
            for attr in inspect(model).column_attrs:
                if attr.key not in excluded and attr.key != "id":
                    yield model.__tablename__, attr.key


def test_every_audited_table_is_described_and_every_audited_field_has_a_label(app):
    tables = {table for table, _name in _audited_fields()}
    assert tables - set(TABLES) == set()
    with app.test_request_context():
        missing = [(table, name) for table, name in _audited_fields() if field_label(table, name) is None]
    assert missing == []


@pytest.fixture
def moved_card(app):
    from tests.factories.cards import make_card, walk_to
    from tests.factories.platform import make_user

    owner = make_user(role_code="owner", full_name="Olena Owner", language="en", timezone="Asia/Tokyo")
    agent = make_user(role_code="agent", full_name="Andrii Agent")
    card = make_card(agent=agent, number=card_number(2034))
    walk_to(card, "promo_top_up", owner)
    card.bank_answer_date = date(2026, 12, 1)
    card.stage_entered_at = datetime(2026, 12, 1, 22, 30)
    db.session.commit()
    return owner, agent, card


def _rows_of(card):
    return db.session.scalars(
        select(ChangeLog).where(ChangeLog.entity == "cards", ChangeLog.entity_id == str(card.id))
    ).all()


def test_a_cards_changes_read_as_labels_names_and_local_times(app, moved_card):
    owner, _agent, card = moved_card
    with app.test_request_context(), force_locale("en"):
        described = page_of_changes(_rows_of(card), zone=ZoneInfo("Asia/Tokyo"))
    said = {words.field: words for row, words in described if row.field}
    assert said["Stage"].record_type == "Card" and said["Stage"].record == shown_number(2034)
    assert (said["Stage"].old, said["Stage"].new) == (
        stage_of("linking_access").name_en,
        stage_of("promo_top_up").name_en,
    )
    assert said["In the stage since"].new == "2026-12-02 07:30"  # Tokyo, not the stored UTC
    assert said["Bank's answer date"].new == "2026-12-01"
    assert "bucket" not in said and "" not in said  # bookkeeping left out, every field labelled


def test_the_change_log_page_and_its_export_show_no_codes(app, login_as, moved_card):
    owner, _agent, card = moved_card
    page = signed_in(app, login_as, owner).get("/admin/changelog/")
    assert page.status_code == 200
    for code in ("stage_id", ">cards<", "stage_entered_at", "T22:30"):
        assert code not in page.text, code
    assert stage_of("promo_top_up").name_en in page.text and shown_number(2034) in page.text
    with app.test_request_context(), force_locale("en"):
        from jobs.exports import as_user
        from services.exports import registry as exports

        with as_user(owner):
            rows = list(exports.get("changelog").rows(owner, {}))
    stage_rows = [row for row in rows if row[5] == "Stage"]
    assert stage_rows and stage_rows[0][3:5] == ("Card", shown_number(2034))
    assert stage_rows[0][7] == stage_of("promo_top_up").name_en


def test_the_dashboards_latest_changes_name_the_record(app, login_as, moved_card):
    owner, _agent, _card = moved_card
    page = signed_in(app, login_as, owner).get("/admin/")
    assert page.status_code == 200
    assert f"Card: {shown_number(2034)}" in page.text and "cards #" not in page.text


def test_every_audited_record_has_a_name_of_its_own():
    """The change log names records by str(): none may fall back to "<Model 12>"."""
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if getattr(model, "__audited__", False):
            assert "__str__" in {name for klass in model.__mro__[:-1] for name in vars(klass)}, model.__name__
