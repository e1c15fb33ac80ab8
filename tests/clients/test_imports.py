"""Importing historical clients: the dry run applies nothing and names every rejected row, the run
applies exactly the good rows, a second upload of the same file changes nothing, and a failure
half-way leaves the database as it was."""

import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from extensions import db
from jobs import clients as client_jobs
from models.clients import Client, ClientImport, Invoice
from services import ledger
from services.clients.imports import runs
from services.pipeline import counts
from tests.conftest import csrf_token

HEADER = ["ID", "Name", "Phone", "E-mail", "Stage", "Responsible", "Paid", "Points"]


def _rows(team):
    employee = team["employee"].username
    return [
        ["A-1", "Olha Historical", "067 111 22 33", "olha@example.com", "enrolled", employee, "3200", "50"],
        ["A-2", "Petro Historical", "", "", "new_lead", "", "", ""],
        ["A-3", "", "067 000 00 00", "", "", "", "", ""],  # no name
        ["A-4", "Bad Phone", "12", "", "", "", "", ""],
        ["A-5", "Lost Stage", "", "", "nowhere", "", "", ""],
        ["A-6", "Who Knows", "", "", "", "nobody-such", "", ""],
        ["A-1", "Twice Listed", "", "", "", "", "", ""],  # the same external id again
        ["A-7", "Bad Money", "", "", "", "", "lots", ""],
    ]


def _csv(team):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(_rows(team))
    return out.getvalue().encode("utf-8")


def _xlsx(team):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in _rows(team):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(web, data, name="history.csv"):
    token = csrf_token(web, "/admin/imports/")
    answer = web.post("/admin/imports/upload", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                      content_type="multipart/form-data")  # fmt: skip
    return answer


def _checked(web, answer):
    assert answer.status_code == 302, answer.text
    import_id = int(re.search(r"/admin/imports/(\d+)/", answer.location).group(1))
    page = web.get(answer.location).text
    form = {}
    for field, options in re.findall(r'<select [^>]*id="map-(\w+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="(\d+)" selected', options)
        if chosen:
            form[field] = chosen.group(1)
    checked = web.post(f"/admin/imports/{import_id}/check", data={"csrf_token": csrf_token(web, answer.location),
                                                                  **{f"map-{k}": v for k, v in form.items()}})  # fmt: skip
    assert checked.status_code == 302
    client_jobs.run_import_check(import_id)
    return import_id


@pytest.fixture
def owner(client_of):
    return client_of("owner")


@pytest.mark.parametrize("maker", [_csv, _xlsx])
def test_the_dry_run_names_the_bad_rows_and_the_run_applies_exactly_the_good_ones(owner, team, maker):
    name = "history.csv" if maker is _csv else "history.xlsx"
    import_id = _checked(owner, _upload(owner, maker(team), name))
    run = db.session.get(ClientImport, import_id)
    assert (run.status, run.total_rows, run.good_rows, run.bad_rows, run.known_rows) == ("checked", 8, 2, 6, 0)
    assert db.session.scalar(select(func.count()).select_from(Client)) == 0  # the dry run applied nothing
    report = owner.get(f"/admin/imports/{import_id}/rejected.csv").text
    for number in (4, 5, 6, 7, 8, 9):
        assert f"\n{number}," in report
    assert (
        owner.post(
            f"/admin/imports/{import_id}/apply", data={"csrf_token": csrf_token(owner, "/admin/imports/")}
        ).status_code
        == 302
    )
    client_jobs.run_import_apply(import_id)
    db.session.expire_all()
    assert db.session.get(ClientImport, import_id).error is None
    olha = db.session.scalar(select(Client).where(Client.external_id == "A-1"))
    assert (olha.full_name, olha.phone, olha.stage.code, olha.responsible_id) == (
        "Olha Historical",
        "+380671112233",
        "enrolled",
        team["employee"].id,
    )
    assert olha.paying_since is not None and db.session.scalar(
        select(Invoice.total).where(Invoice.client_id == olha.id)
    ) == Decimal("3200.00")
    assert ledger.balance_of("client", olha.id) == Decimal("50.00")
    assert db.session.scalar(select(func.count()).select_from(Client)) == 2
    assert db.session.get(ClientImport, import_id).applied_rows == 2
    assert olha.first_paid_invoice_id == db.session.scalar(select(Invoice.id).where(Invoice.client_id == olha.id))
    # The rows went in as one statement per table: the counters and the balances added them all.
    assert counts.mismatches(Client) == {}
    assert ledger.mismatches() == {}


def test_a_second_upload_of_the_same_file_changes_nothing(owner, team):
    first = _checked(owner, _upload(owner, _csv(team)))
    db.session.get(ClientImport, first).status = "importing"
    db.session.commit()
    client_jobs.run_import_apply(first)
    before = db.session.scalar(select(func.count()).select_from(Client))
    again = _checked(owner, _upload(owner, _csv(team)))
    run = db.session.get(ClientImport, again)
    assert (run.good_rows, run.known_rows) == (0, 2)
    run.status = "importing"
    db.session.commit()
    client_jobs.run_import_apply(again)
    assert db.session.scalar(select(func.count()).select_from(Client)) == before
    assert ledger.mismatches() == {}


def test_a_failure_half_way_leaves_the_database_as_it_was(owner, team, monkeypatch):
    import_id = _checked(owner, _upload(owner, _csv(team)))

    def dies_at_the_points(*args, **kwargs):
        # By now the batch's clients, their tasks and their invoices are written: a worker dying here
        # must take them all back.
        assert db.session.scalar(select(func.count()).select_from(Client)) == 2
        raise RuntimeError("the worker died")

    monkeypatch.setattr(runs.ledger, "credit_new_clients", dies_at_the_points)
    db.session.get(ClientImport, import_id).status = "importing"
    db.session.commit()
    with pytest.raises(RuntimeError):
        client_jobs.run_import_apply(import_id)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Client)) == 0
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 0
    assert db.session.get(ClientImport, import_id).status == "failed"


def test_a_file_that_is_no_table_is_refused_and_imports_are_the_owners_own(owner, client_of, team):
    assert _upload(owner, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "clients.csv").status_code == 422
    assert client_of("employee").get("/admin/imports/").status_code == 403
    answer = _upload(owner, _csv(team))
    import_id = int(re.search(r"/admin/imports/(\d+)/", answer.location).group(1))
    assert client_of("supervisor").get(f"/admin/imports/{import_id}/").status_code == 403


def test_a_mapping_without_the_required_columns_is_refused_and_not_kept(owner, team):
    answer = _upload(owner, _csv(team))
    import_id = int(re.search(r"/admin/imports/(\d+)/", answer.location).group(1))
    guessed = dict(db.session.get(ClientImport, import_id).mapping)
    refused = owner.post(f"/admin/imports/{import_id}/check", data={"csrf_token": csrf_token(owner, answer.location),
                                                                    "map-phone": "2"})  # fmt: skip
    assert refused.status_code == 422
    db.session.expire_all()
    run = db.session.get(ClientImport, import_id)
    assert (run.status, run.mapping) == ("uploaded", guessed)
