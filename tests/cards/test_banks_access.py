"""Banks are the owner's and the administrator's: the accountant gets 403 on the banks list, a
bank's page and its export, and still sees a card's bank and commission where his work needs them.
Existing databases lose the accountant's grant through migration b1c2d3e4f513."""

import pytest
import sqlalchemy as sa

from extensions import db
from services.exports import registry as exports
from tests.exports.helpers import run_worker, start_export
from tests.factories.cards import card_number, new_card, put_on


def bank_pages(bank_id):
    return ("/admin/banks/", f"/admin/banks/details/?id={bank_id}", f"/admin/banks/edit/?id={bank_id}")


def test_the_accountant_gets_403_on_the_banks_list_details_and_export(client_of, team, bank):
    accountant = client_of("accountant")
    for url in bank_pages(bank.id):
        assert accountant.get(url).status_code == 403, url
    assert start_export(accountant, list="banks", format="csv").status_code == 403
    assert "banks" not in {spec.key for spec in exports.available(team["accountant"])}
    assert 'data-figure="banks"' not in accountant.get("/admin/").text


@pytest.mark.parametrize("name", ["owner", "admin"])
def test_the_owner_and_the_administrator_still_see_and_export_the_banks(app, client_of, bank, name):
    client = client_of(name)
    list_page, details, _edit = bank_pages(bank.id)
    assert "PercentBank" in client.get(list_page).text
    assert "PercentBank" in client.get(details).text
    response = start_export(client, list="banks", format="csv", token_page="/admin/banks/")
    assert response.status_code == 202, response.text
    run_worker(app)
    status = client.get(f"/admin/exports/{response.json['id']}").json
    assert status["status"] == "done" and "PercentBank" in client.get(status["download_url"]).data.decode("utf-8-sig")


def test_the_accountant_still_sees_a_cards_bank_and_commission(client_of, team, bank):
    card = put_on(new_card(team, number=card_number(2003), bank=bank), "fund_card")
    accountant = client_of("accountant")
    page = accountant.get(f"/admin/cards/details/?id={card.id}")
    assert page.status_code == 200 and "PercentBank" in page.text
    assert 'name="commission_rate"' in page.text and 'value="1.50"' in page.text  # the bank's percent
    assert "PercentBank" in accountant.get("/admin/tracker/").text  # the board's bank filter


def _accountant_grants():
    return set(
        db.session.scalars(
            sa.text(
                "SELECT permission FROM role_permissions"
                " WHERE role_id = (SELECT id FROM roles WHERE code = 'accountant')"
            )
        )
    )


def test_the_migration_takes_the_banks_from_the_accountant_of_an_existing_database(app):
    from flask_migrate import downgrade, upgrade

    assert not _accountant_grants() & {"banks.view", "banks.manage"}
    db.session.remove()
    downgrade(directory="migrations", revision="b1c2d3e4f512")
    try:
        assert "banks.view" in _accountant_grants()  # as the seeds gave it before
        db.session.execute(
            sa.text(
                "INSERT INTO role_permissions (role_id, permission)"
                " SELECT id, 'banks.manage' FROM roles WHERE code = 'accountant'"
            )
        )
        db.session.commit()
    finally:
        db.session.remove()
        upgrade(directory="migrations")
    grants = _accountant_grants()
    assert not grants & {"banks.view", "banks.manage"}
    assert {"cards.view", "cards.move", "transactions.edit"} <= grants
