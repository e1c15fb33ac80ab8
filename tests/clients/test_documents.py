"""Documents of clients and of employees: taken by their content, never their name; pictures
re-encoded; stored outside static/ under generated names; downloaded as attachments by whoever sees
their owner, and another's a 404."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select

from extensions import db
from models.clients import ClientDocument
from models.platform import StoredFile
from tests.conftest import csrf_token
from tests.factories.clients import make_client

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _png_with_a_secret():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret location")
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


@pytest.fixture
def anna(team):
    return make_client(team["employee"], full_name="Anna Koval", office_id=team["office"].id)


def _upload(web, url, name, data, page):
    token = csrf_token(web, page)
    return web.post(
        url, data={"csrf_token": token, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def _client_upload(web, client, name, data):
    return _upload(
        web, f"/admin/clients/{client.id}/documents", name, data, f"/admin/clients/{client.id}/?tab=documents"
    )


def test_a_pdf_is_stored_under_a_generated_name_and_downloaded_as_an_attachment(app, client_of, anna):
    web = client_of("employee")
    assert _client_upload(web, anna, "../contract.pdf", PDF).status_code == 302
    document = db.session.scalar(select(ClientDocument))
    stored = document.file
    assert stored.original_name == "contract.pdf" and stored.stored_name != "contract.pdf"
    path = Path(app.config["UPLOAD_DIR"]) / stored.stored_name
    assert path.read_bytes() == PDF and "static" not in path.parts
    answer = web.get(f"/admin/clients/documents/{document.id}")
    assert answer.status_code == 200 and answer.data == PDF
    assert answer.headers["Content-Disposition"].startswith("attachment") and answer.mimetype == "application/pdf"
    assert f'data-document-id="{document.id}"' in web.get(f"/admin/clients/{anna.id}/?tab=documents").text
    assert client_of("supervisor").get(f"/admin/clients/documents/{document.id}").status_code == 200
    assert client_of("peer").get(f"/admin/clients/documents/{document.id}").status_code == 404


@pytest.mark.parametrize(
    ("name", "data"),
    [("scan.pdf", b"<html><script>alert(1)</script></html>"), ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 100),
     ("empty.pdf", b"")],
)  # fmt: skip
def test_a_file_whose_content_is_not_an_allowed_type_is_refused_whatever_its_name(client_of, anna, name, data):
    answer = _client_upload(client_of("employee"), anna, name, data)
    assert answer.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_a_picture_is_re_encoded_and_loses_what_it_carried(app, client_of, anna):
    assert _client_upload(client_of("employee"), anna, "photo.png", _png_with_a_secret()).status_code == 302
    stored = db.session.scalar(select(StoredFile))
    kept = (Path(app.config["UPLOAD_DIR"]) / stored.stored_name).read_bytes()
    assert stored.content_type == "image/png" and b"secret location" not in kept
    assert Image.open(io.BytesIO(kept)).size == (4, 4)


def test_a_file_over_the_limit_is_refused(app, client_of, anna, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 20)
    assert _client_upload(client_of("employee"), anna, "big.pdf", PDF).status_code == 422


def test_a_deleted_document_is_gone_from_the_page_and_its_link_but_kept_in_the_history(client_of, anna):
    web = client_of("employee")
    _client_upload(web, anna, "contract.pdf", PDF)
    document = db.session.scalar(select(ClientDocument))
    intern = client_of("intern")
    refused = intern.post(
        f"/admin/clients/documents/{document.id}/delete", data={"csrf_token": csrf_token(intern, "/admin/clients/")}
    )
    assert refused.status_code == 404
    token = csrf_token(web, "/admin/clients/")
    assert web.post(f"/admin/clients/documents/{document.id}/delete", data={"csrf_token": token}).status_code == 302
    assert web.get(f"/admin/clients/documents/{document.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(ClientDocument, document.id).deleted_at is not None


def test_an_employees_documents_are_his_and_his_leaders(client_of, team):
    employee = client_of("employee")
    answer = _upload(
        employee, f"/admin/documents/{team['employee'].id}/upload", "diploma.pdf", PDF, "/admin/documents/"
    )
    assert answer.status_code == 302
    page = employee.get("/admin/documents/").text
    [document_id] = [int(x) for x in re.findall(r'data-document-id="(\d+)"', page)]
    assert employee.get(f"/admin/documents/file/{document_id}").data == PDF
    assert client_of("supervisor").get(f"/admin/documents/?person={team['employee'].id}").status_code == 200
    assert client_of("supervisor").get(f"/admin/documents/file/{document_id}").status_code == 200
    assert client_of("peer").get(f"/admin/documents/file/{document_id}").status_code == 404
    assert client_of("peer").get(f"/admin/documents/?person={team['employee'].id}").status_code == 404
    assert client_of("employee").get(f"/admin/documents/?person={team['supervisor'].id}").status_code == 404
    refused = _upload(
        client_of("employee2"), f"/admin/documents/{team['employee'].id}/upload", "x.pdf", PDF, "/admin/documents/"
    )
    assert refused.status_code == 404
