"""The change log: one session hook records who changed what, from requests and from jobs."""

from decimal import Decimal

import pytest
from sqlalchemy import or_, select

from extensions import admin, db
from models.cards.directory import Bank, Contractor
from models.platform.audit import ChangeLog
from models.platform.user import User
from services.platform import staff
from services.platform.audit import acting_as
from tests.conftest import csrf_token
from tests.factories.platform import make_user
from tests.view_helpers import signed_in


def log_of(obj):
    return db.session.scalars(
        select(ChangeLog)
        .where(ChangeLog.entity == obj.__tablename__, ChangeLog.entity_id == str(obj.id))
        .order_by(ChangeLog.id)
    ).all()


def updates_of(obj):
    return {(r.field, r.old_value, r.new_value, r.user_id) for r in log_of(obj) if r.action == "update"}


@pytest.fixture
def owner():
    return make_user("owner", "owner", full_name="Olena Owner", language="en")


@pytest.fixture
def bank(owner):
    with acting_as(owner.id):
        bank = Bank(name="Privat", code="305299", commission_percent=Decimal("1.00"))
        db.session.add(bank)
        db.session.commit()
    return bank


def test_creating_a_record_writes_one_create_row_with_the_author(bank, owner):
    [row] = log_of(bank)
    assert (row.action, row.field, row.user_id) == ("create", None, owner.id)
    assert "name=Privat" in row.new_value and "code=305299" in row.new_value
    assert bank.created_by_id == owner.id
    assert bank.updated_by_id is None


def test_updating_writes_one_row_per_changed_field_with_old_and_new_values(bank, owner):
    accountant = make_user("accountant", "accountant")
    bank = db.session.get(Bank, bank.id)
    with acting_as(accountant.id):
        bank.name = "PrivatBank"
        bank.commission_percent = Decimal("1.50")
        bank.code = "305299"  # the same value: not a change
        db.session.commit()
    assert updates_of(bank) == {
        ("name", "Privat", "PrivatBank", accountant.id),
        ("commission_percent", "1.00", "1.50", accountant.id),
    }
    assert bank.created_by_id == owner.id
    assert bank.updated_by_id == accountant.id


def test_a_change_to_a_record_expired_by_a_commit_still_logs_the_real_old_value(bank, owner):
    # After a commit every attribute is expired; the hook must not record "None → new".
    with acting_as(owner.id):
        bank.notes = "first"
        db.session.commit()
        bank.notes = "second"
        bank.name = "Privat"  # unchanged, though set on an expired record
        db.session.commit()
    assert updates_of(bank) == {("notes", None, "first", owner.id), ("notes", "first", "second", owner.id)}


def test_a_job_acting_for_a_user_is_recorded_as_that_user(bank):
    robot = make_user("robot")
    with acting_as(robot.id):
        db.session.get(Bank, bank.id).is_active = False
        db.session.commit()
    assert updates_of(bank) == {("is_active", "True", "False", robot.id)}
    assert db.session.get(Bank, bank.id).updated_by_id == robot.id


def test_a_change_without_any_actor_is_recorded_as_the_system(bank):
    db.session.get(Bank, bank.id).notes = "nightly import"
    db.session.commit()
    assert updates_of(bank) == {("notes", None, "nightly import", None)}


def test_hard_delete_is_logged_with_what_the_record_was(bank, owner):
    bank_id = bank.id
    with acting_as(owner.id):
        db.session.delete(bank)
        db.session.commit()
    rows = db.session.scalars(select(ChangeLog).where(ChangeLog.entity == "banks", ChangeLog.action == "delete")).all()
    assert [(r.entity_id, r.old_value, r.user_id) for r in rows] == [(str(bank_id), "Privat", owner.id)]
    assert db.session.get(Bank, bank_id) is None


def test_soft_delete_is_logged_as_a_delete_and_the_row_stays(owner):
    person = make_user("leaving")
    with acting_as(owner.id):
        staff.soft_delete(person)
        db.session.commit()
    [deleted] = [r for r in log_of(person) if r.action == "delete"]
    assert (deleted.field, deleted.old_value, deleted.user_id) == ("deleted_at", None, owner.id)
    assert deleted.new_value == person.deleted_at.isoformat()
    assert ("is_blocked", "False", "True", owner.id) in updates_of(person)
    assert db.session.get(User, person.id) is not None


def test_password_hashes_and_totp_secrets_never_reach_the_log(owner):
    person = make_user("secretive")
    with acting_as(owner.id):
        staff.set_password(person, "another-password-77")
        person.totp_secret = "JBSWY3DPEHPK3PXP"
        db.session.commit()
    assert [r.action for r in log_of(person)] == ["create"]
    hash_now = db.session.get(User, person.id).password_hash
    leaks = db.session.scalars(
        select(ChangeLog).where(
            or_(
                ChangeLog.field.in_(["password_hash", "totp_secret"]),
                ChangeLog.new_value.contains("argon2"),
                ChangeLog.new_value.contains(hash_now),
                ChangeLog.new_value.contains("JBSWY3DPEHPK3PXP"),
            )
        )
    ).all()
    assert leaks == []


def test_a_signed_in_request_is_recorded_as_the_signed_in_user(app, login_as, owner, bank):
    web = signed_in(app, login_as, owner)
    url = f"/admin/banks/edit/?id={bank.id}"
    response = web.post(
        url,
        data={
            "csrf_token": csrf_token(web, url),
            "name": "PrivatBank",
            "code": "305299",
            "commission_percent": "1.25",
            "commission_fixed": "0",
            "notes": "",
            "is_active": "y",
        },
    )
    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert ("name", "Privat", "PrivatBank", owner.id) in updates_of(bank)
    assert ("commission_percent", "1.00", "1.25", owner.id) in updates_of(bank)
    assert db.session.get(Bank, bank.id).updated_by_id == owner.id


def test_the_edit_page_of_a_bank_shows_its_history(app, login_as, owner, bank):
    with acting_as(owner.id):
        bank.name = "Privat Renamed"
        db.session.commit()
    page = signed_in(app, login_as, owner).get(f"/admin/banks/edit/?id={bank.id}")
    assert page.status_code == 200
    history = page.text.split('class="record-history')[1]
    assert "Privat Renamed" in history and ">Privat<" in history
    assert "Olena Owner" in history


@pytest.fixture
def logged(owner):
    other = make_user("clerk", full_name="Cleo Clerk")
    with acting_as(owner.id):
        db.session.add(Bank(name="Alpha Bank Zed"))
        db.session.commit()
    with acting_as(other.id):
        db.session.add(Contractor(name="Beta Supplies Qux"))
        db.session.commit()
    return other


def filter_index(column, kind="FilterEqual"):
    view = next(v for v in admin._views if getattr(v, "endpoint", None) == "changelog")
    return next(i for i, f in enumerate(view._filters) if f.column.key == column and type(f).__name__ == kind)


def test_owner_lists_searches_and_filters_the_change_log(app, login_as, owner, logged):
    web = signed_in(app, login_as, owner)
    page = web.get("/admin/changelog/")
    assert page.status_code == 200
    assert "Alpha Bank Zed" in page.text and "Beta Supplies Qux" in page.text

    found = web.get("/admin/changelog/?search=Zed")
    assert "Alpha Bank Zed" in found.text and "Beta Supplies Qux" not in found.text

    by_entity = web.get(f"/admin/changelog/?flt0_{filter_index('entity')}=contractors")
    assert "Beta Supplies Qux" in by_entity.text and "Alpha Bank Zed" not in by_entity.text

    by_user = web.get(f"/admin/changelog/?flt0_{filter_index('username')}=clerk")
    assert "Beta Supplies Qux" in by_user.text and "Alpha Bank Zed" not in by_user.text


def test_the_change_log_offers_no_filter_on_secrets(app, login_as, owner):
    view = next(v for v in admin._views if getattr(v, "endpoint", None) == "changelog")
    assert not {f.column.key for f in view._filters} & {"password_hash", "totp_secret", "totp_last_step"}
    page = signed_in(app, login_as, owner).get("/admin/changelog/")
    assert "Password Hash" not in page.text and "Totp Secret" not in page.text


@pytest.mark.parametrize("role_code", ["manager", "administrator", "accountant", "agent"])
def test_the_change_log_is_forbidden_to_everyone_but_the_owner(app, login_as, role_code):
    user = make_user(role_code=role_code)
    assert signed_in(app, login_as, user).get("/admin/changelog/").status_code == 403


def test_the_change_log_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/admin/changelog/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
