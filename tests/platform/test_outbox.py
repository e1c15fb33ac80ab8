"""The outbox: without a mail server an e-mail is kept in the app, read by owners and administrators
with its file; nobody else sees it."""

import re
from email.message import EmailMessage

import pytest

from extensions import db
from services.platform import mail
from tests.factories.platform import make_user
from tests.view_helpers import signed_in


@pytest.fixture
def kept(app):
    message = EmailMessage()
    message["From"] = "kartoteka@localhost"
    message["To"] = "boss@example.com, second@example.com"
    message["Subject"] = "Архів карток — 2026-12-07"
    message.set_content("Вивантаження у вкладенні.")
    message.add_attachment(
        b"PK\x03\x04data", maintype="application", subtype="zip", filename="Архів карток 2026-12-07.xlsx"
    )
    mail.send(message)
    db.session.commit()


def test_owner_and_administrator_read_the_outbox_and_download_the_file(app, login_as, kept):
    for role in ("owner", "administrator"):
        client = signed_in(app, login_as, make_user(role_code=role, language="en"))
        page = client.get("/admin/outbox/")
        assert page.status_code == 200
        assert "Архів карток — 2026-12-07" in page.text and "boss@example.com, second@example.com" in page.text
        [link] = re.findall(r'href="(/admin/outbox/\d+/attachment)"', page.text)
        download = client.get(link)
        assert download.status_code == 200 and download.data == b"PK\x03\x04data"
        # The name as people read it, Cyrillic included (RFC 5987).
        assert "filename*=UTF-8''%D0%90%D1%80%D1%85%D1%96%D0%B2" in download.headers["Content-Disposition"]


@pytest.mark.parametrize("role", ["manager", "agent", "accountant"])
def test_nobody_else_opens_it(app, login_as, kept, role):
    client = signed_in(app, login_as, make_user(role_code=role))
    assert client.get("/admin/outbox/").status_code == 403
    assert client.get("/admin/outbox/1/attachment").status_code == 403
