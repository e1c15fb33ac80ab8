"""Exports over HTTP: starting one from a list page (JSON, CSRF, permission of the list, 400s),
the worker running it from the "exports" queue, "My exports" and the owner-only download; the
owner's scheduled export emails page with its validation."""

import csv
import html
import io
import re

import pytest
from sqlalchemy import func, select

from extensions import db, queues
from models.cards.directory import Contractor
from models.exports.export import ExportJob, ExportSchedule
from tests.conftest import csrf_token
from tests.exports.helpers import run_worker, start_export
from tests.factories.cards import card_number, new_card, shown_number
from tests.factories.platform import make_user
from tests.view_helpers import post_form, sign_in


@pytest.fixture
def team():
    return {
        "owner": make_user(role_code="owner", full_name="Olena Owner", language="en"),
        "agent": make_user(role_code="agent", full_name="Andrii Agent", language="en"),
        "agent2": make_user(role_code="agent", full_name="Bohdan Agent", language="en"),
        "manager": make_user(role_code="manager", full_name="Maria Manager"),
        "accountant": make_user(role_code="accountant", full_name="Anna Accountant"),
    }


def test_an_agent_exports_his_cards_and_downloads_the_csv(app, team):
    new_card(team, number=card_number(2026))
    new_card(team, agent="agent2", number=card_number(2027))
    client = sign_in(app, team["agent"])
    response = start_export(client, list="cards.new", format="csv")
    assert response.status_code == 202, response.text
    export_id = response.json["id"]
    assert response.json["status"] == "queued"
    assert queues.queue("exports").count == 1
    run_worker(app)
    status = client.get(f"/admin/exports/{export_id}").json
    assert status["status"] == "done" and status["rows_done"] == 1
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Card number" and [r[0] for r in rows[1:]] == [shown_number(2026)]
    page = client.get("/admin/exports/")
    assert page.status_code == 200 and status["download_url"] in page.text
    assert "js/exports.js" in page.text and "<script>" not in page.text


def test_the_xlsx_download_has_the_spreadsheet_mimetype(app, team):
    client = sign_in(app, team["owner"])
    export_id = start_export(client, list="banks", format="xlsx", token_page="/admin/banks/").json["id"]
    run_worker(app)
    download = client.get(f"/admin/exports/{export_id}/download")
    assert download.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.data[:2] == b"PK"


def test_someone_elses_export_is_a_404(app, team):
    owner = sign_in(app, team["agent"])
    export_id = start_export(owner, list="cards.new", format="csv").json["id"]
    run_worker(app)
    other = sign_in(app, team["agent2"])
    assert other.get(f"/admin/exports/{export_id}").status_code == 404
    assert other.get(f"/admin/exports/{export_id}/download").status_code == 404
    assert other.get("/admin/exports/999999/download").status_code == 404
    assert f"/admin/exports/{export_id}/download" not in other.get("/admin/exports/").text


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"list": "cards.new", "format": "pdf"}, 400),
        ({"list": "cards.new", "format": ""}, 400),
        ({"list": "no.such.list", "format": "csv"}, 400),
        ({"list": "cards.archive", "format": "csv", "args": "tab=archive&bank=abc"}, 400),
        ({"list": "staff", "format": "csv"}, 403),
        ({"list": "finance.report", "format": "xlsx"}, 403),
    ],
)
def test_bad_requests_are_refused_and_queue_nothing(app, team, data, status):
    client = sign_in(app, team["agent"])
    assert start_export(client, **data).status_code == status
    assert db.session.scalar(select(func.count()).select_from(ExportJob)) == 0


def test_a_post_without_the_csrf_token_is_refused(app, team):
    client = sign_in(app, team["agent"])
    response = client.post("/admin/exports/start", data={"list": "cards.new", "format": "csv"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ExportJob)) == 0


def test_a_plain_form_post_goes_to_my_exports(app, team):
    client = sign_in(app, team["agent"])
    response = client.post(
        "/admin/exports/start",
        data={"list": "cards.new", "format": "csv", "csrf_token": csrf_token(client, "/admin/cards/")},
    )
    assert response.status_code == 303 and "/admin/exports/" in response.headers["Location"]


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/admin/cards/", "cards.new"),
        ("/admin/cards/?tab=archive&number=12", "cards.archive"),
        ("/admin/staff/?search=abc", "staff"),
        ("/admin/contractors/", "contractors"),
        ("/admin/banks/", "banks"),
        ("/admin/changelog/", "changelog"),
        ("/admin/offices/", "offices"),
        ("/admin/stages/", "stages"),
        ("/admin/export-schedules/", "export_schedules"),
    ],
)
def test_list_pages_offer_the_export_control_with_their_own_query(app, team, url, key):
    page = sign_in(app, team["owner"]).get(url)
    assert page.status_code == 200
    assert f'name="list" value="{key}"' in page.text
    query = url.partition("?")[2]
    if query:
        assert f'name="args" value="{query}"' in page.text.replace("&amp;", "&")


def test_flask_admins_own_export_is_closed_on_every_model_view(app, team):
    """Every download goes through services/exports/registry.py, the writer that neutralises formulas."""
    from flask_admin.model import BaseModelView

    from extensions import admin

    db.session.add(Contractor(name='=HYPERLINK("http://x","y")'))
    db.session.commit()
    client = sign_in(app, team["owner"])
    views = [view for view in admin._views if isinstance(view, BaseModelView)]
    assert len(views) > 10
    for view in views:
        for export_type in ("csv", "xlsx"):
            response = client.get(f"{view.url}/export/{export_type}/")
            assert response.status_code == 404, (view.endpoint, export_type, response.status_code)
            assert "HYPERLINK" not in response.text


def test_org_lists_export_their_own_columns_and_filters(app, team):
    from models.platform.org import Office

    db.session.add_all([Office(name="Kyiv HQ", city="Kyiv"), Office(name="Lviv branch", city="Lviv")])
    db.session.commit()
    client = sign_in(app, team["owner"])
    response = start_export(client, token_page="/admin/offices/", list="offices", format="csv", args="search=Lviv")
    assert response.status_code == 202, response.text
    run_worker(app)
    status = client.get(f"/admin/exports/{response.json['id']}").json
    rows = list(csv.reader(io.StringIO(client.get(status["download_url"]).data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Name", "City"]
    assert [row[:2] for row in rows[1:]] == [["Lviv branch", "Lviv"]]
    # The list's permission holds for its export too.
    refused = start_export(sign_in(app, team["agent"]), list="offices", format="csv")
    assert refused.status_code == 403


# --- scheduled export emails --------------------------------------------------------------------------

SCHEDULE = {
    "list_key": "cards.archive",
    "filters": "tab=archive&number=5168",
    "period": "weekly",
    "weekday": "0",
    "month_day": "",
    "send_time": "08:30",
    "recipients": "boss@example.com, Second@Example.com",
    "is_active": "y",
}


def test_the_owner_sets_up_a_scheduled_export(app, team):
    client = sign_in(app, team["owner"])
    response = post_form(client, "/admin/export-schedules/new/", form_page="/admin/export-schedules/new/", **SCHEDULE)
    assert response.status_code == 302, response.text
    schedule = db.session.scalar(select(ExportSchedule))
    assert (schedule.owner_id, schedule.period, schedule.weekday, schedule.month_day) == (
        team["owner"].id, "weekly", 0, None)  # fmt: skip
    assert schedule.recipients == "boss@example.com, Second@example.com"
    assert "Card archive" in client.get("/admin/export-schedules/").text


def error_texts(page):
    """The text of the page's error messages: field feedback and flashed alerts."""
    blocks = re.findall(
        r'<(?:div|ul) class="(?:invalid-feedback|alert alert-danger[^"]*)"[^>]*>(.*?)</(?:div|ul)>', page, re.S
    )
    return html.unescape(re.sub(r"<[^>]+>|\s+", " ", " ".join(blocks)))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"recipients": "boss@example.com, not-an-address"}, "not-an-address"),
        ({"send_time": "25:00"}, "Enter the time as HH:MM."),
        ({"period": "monthly", "month_day": ""}, "Day of the month"),
        ({"filters": "bank=abc"}, "Filters"),
        ({"list_key": "no.such.list"}, "Not a valid choice"),
    ],
)
def test_a_bad_schedule_is_refused_with_a_message(app, team, bad, message):
    client = sign_in(app, team["owner"])
    response = post_form(client, "/admin/export-schedules/new/", form_page="/admin/export-schedules/new/",
                         **dict(SCHEDULE, **bad))  # fmt: skip
    assert response.status_code == 200
    assert message in error_texts(response.text)
    assert db.session.scalar(select(func.count()).select_from(ExportSchedule)) == 0


def test_nobody_but_the_owner_reaches_the_schedules(app, team):
    client = sign_in(app, team["manager"])
    assert client.get("/admin/export-schedules/").status_code == 403
    response = post_form(client, "/admin/export-schedules/new/", **SCHEDULE)
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ExportSchedule)) == 0


def test_the_owner_schedules_the_view_he_filtered_and_reads_its_filters_in_words(app, team):
    from models.cards.directory import Bank

    bank = Bank(name="Alpha Bank")
    db.session.add(bank)
    db.session.commit()
    client = sign_in(app, team["owner"])
    archive = client.get(f"/admin/cards/?tab=archive&bank={bank.id}&agent={team['agent'].id}")
    [link] = re.findall(r'href="(/admin/export-schedules/new/\?[^"]+)"', archive.text)
    form = client.get(html.unescape(link))
    assert form.status_code == 200
    summary = form.text[form.text.index("schedule-filters") :]
    summary = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", summary[: summary.index("</div>\n</div>")])).split())
    assert "Bank: Alpha Bank" in summary and "Agent: Andrii Agent" in summary
    assert "bank=" not in summary and str(bank.id) not in summary
    assert 'option selected value="cards.archive"' in form.text or 'value="cards.archive" selected' in form.text
    schedule = dict(SCHEDULE, filters=f"tab=archive&bank={bank.id}&agent={team['agent'].id}")
    assert post_form(client, html.unescape(link), form_page=html.unescape(link), **schedule).status_code == 302
    listing = client.get("/admin/export-schedules/").text
    assert "Bank: Alpha Bank; Agent: Andrii Agent" in html.unescape(listing)


def test_a_schedule_of_a_whole_list_says_so_and_an_agent_is_not_offered_one(app, team):
    owner = sign_in(app, team["owner"])
    form = owner.get("/admin/export-schedules/new/")
    assert "The whole list." in form.text and "query string" not in form.text
    agent_page = sign_in(app, team["agent"]).get("/admin/cards/?tab=archive")
    assert agent_page.status_code == 200 and "/admin/export-schedules/new/" not in agent_page.text
