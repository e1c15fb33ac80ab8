"""Export jobs: progress and the download link of a background export, and the scheduled export
emails sent through a real SMTP server on loopback — one message per schedule and period, with
two schedulers, a retry, a crash and a refused send."""

import email
import email.utils
import io
import os
import re
import socket
import threading
from datetime import datetime, timedelta
from email import policy

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from extensions import db, socketio
from jobs import exports as export_jobs
from jobs.schedule import PERIODIC_JOBS
from models.base import utcnow
from models.exports.export import ExportDelivery, ExportJob, ExportSchedule
from models.platform.mail import OutboxMessage
from services.exports import schedules as export_schedules
from tests.factories.cards import card_number, new_card, shown_number
from tests.factories.platform import make_user
from tests.view_helpers import signed_in

# 06:30 UTC on Tuesday 10 March 2026 is 08:30 in Kyiv (UTC+2).
NOW = datetime(2026, 3, 10, 6, 30)


@pytest.fixture
def team():
    return {
        "owner": make_user(role_code="owner", full_name="Olena Owner", language="en", timezone="Europe/Kyiv"),
        "agent": make_user(role_code="agent", full_name="Andrii Agent", language="en", timezone="Asia/Tokyo"),
        "agent2": make_user(role_code="agent", full_name="Bohdan Agent"),
        "manager": make_user(role_code="manager", full_name="Maria Manager"),
        "accountant": make_user(role_code="accountant", full_name="Anna Accountant"),
    }


@pytest.fixture
def events(monkeypatch):
    sent = []

    def emit(name, data, to=None):
        if name == "export_progress":  # not the boards' events of the cards the test makes
            sent.append((name, data, to))

    monkeypatch.setattr(socketio, "emit", emit)
    return sent


def test_a_background_export_reports_progress_to_the_users_room_and_ends_with_a_link(app, team, events):
    for n in range(5):
        new_card(team, number=card_number(3000 + n))
    new_card(team, agent="agent2", number=card_number(2025))
    job = ExportJob(user_id=team["agent"].id, list_key="cards.new", args={}, format="xlsx")
    db.session.add(job)
    db.session.commit()
    assert export_jobs.run_export(job.id, every=2) == 5
    assert {to for _name, _data, to in events} == {f"user:{team['agent'].id}"}
    assert [(d["status"], d["rows_done"]) for _n, d, _t in events] == [("running", 0), ("running", 2), ("running", 4),
                                                                       ("done", 5)]  # fmt: skip
    assert events[-1][1]["download_url"] == f"/admin/exports/{job.id}/download"
    db.session.expire_all()
    job = db.session.get(ExportJob, job.id)
    assert (job.status, job.rows_done, job.rows_total) == ("done", 5, 5)
    path = export_jobs.file_of(job)
    numbers = [
        row[0] for row in openpyxl.load_workbook(path, read_only=True).active.iter_rows(min_row=2, values_only=True)
    ]
    assert sorted(numbers) == [shown_number(3000 + n) for n in range(5)]
    # Done is done: a second run (a retry, a duplicate enqueue) changes nothing.
    assert export_jobs.run_export(job.id) is None
    assert export_jobs.file_of(db.session.get(ExportJob, job.id)) == path


def test_an_export_the_user_may_no_longer_make_fails_without_a_file(app, team, events):
    job = ExportJob(user_id=team["agent"].id, list_key="staff", args={}, format="csv")
    db.session.add(job)
    db.session.commit()
    export_jobs.run_export(job.id)
    db.session.expire_all()
    job = db.session.get(ExportJob, job.id)
    assert job.status == "failed" and job.file_path is None
    assert events[-1][1]["status"] == "failed"


def test_old_export_files_and_partial_leftovers_are_purged_and_recent_ones_kept(app, team, events):
    def finished_export(days_ago):
        job = ExportJob(user_id=team["agent"].id, list_key="cards.new", args={}, format="csv")
        db.session.add(job)
        db.session.commit()
        export_jobs.run_export(job.id)
        job = db.session.get(ExportJob, job.id)
        job.finished_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()
        return job.id, export_jobs.file_of(job)

    new_card(team, number=card_number(2022))
    old_id, old_file = finished_export(days_ago=8)
    recent_id, recent_file = finished_export(days_ago=1)
    leftover = export_jobs.export_dir() / "999-dead.csv.part"
    leftover.write_text("half")
    fresh_partial = export_jobs.export_dir() / "1000-running.csv.part"
    fresh_partial.write_text("half")
    long_ago = (utcnow() - timedelta(days=1)).timestamp()
    os.utime(leftover, (long_ago, long_ago))

    assert export_jobs.purge_old_exports() == 1
    assert not old_file.exists() and db.session.get(ExportJob, old_id) is None
    assert recent_file.exists() and db.session.get(ExportJob, recent_id) is not None
    assert not leftover.exists() and fresh_partial.exists()
    assert export_jobs.purge_old_exports() == 0
    fresh_partial.unlink()


def test_the_email_job_runs_every_minute_on_the_exports_queue():
    entry = next(spec for spec in PERIODIC_JOBS if spec["func"] == "jobs.exports.send_due_export_emails")
    assert entry["interval_seconds"] == 60 and entry["queue"] == "exports"


# --- scheduled emails through a real SMTP server -------------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        with self.lock:
            self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(app, monkeypatch):
    handler = Inbox()
    port = handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_TRANSPORT", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "reports@kartoteka.test")
    yield handler
    controller.stop()


@pytest.fixture
def schedule(team):
    new_card(team, number=card_number(2023), contact_name="Іван Петренко")
    new_card(team, agent="agent2", number=card_number(2024))
    record = ExportSchedule(
        owner_id=team["owner"].id,
        list_key="cards.new",
        filters="",
        period="daily",
        send_time="08:00",
        recipients="boss@example.com, second@example.com",
        created_at=datetime(2026, 3, 1),
    )
    db.session.add(record)
    db.session.commit()
    return record


def parse(raw):
    return email.message_from_bytes(raw, policy=policy.default)


def attachment_rows(message):
    part = next(message.iter_attachments())
    assert part.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(part.get_content()), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def deliveries():
    db.session.expire_all()
    return db.session.execute(
        select(ExportDelivery.period_key, ExportDelivery.status, ExportDelivery.attempts).order_by(ExportDelivery.id)
    ).all()


def test_a_due_schedule_is_mailed_once_with_its_xlsx_however_often_the_job_runs(app, inbox, schedule):
    assert export_jobs.send_due_export_emails(now=NOW) == 1
    assert export_jobs.send_due_export_emails(now=NOW) == 0
    assert export_jobs.send_due_export_emails(now=NOW + timedelta(hours=5)) == 0
    assert len(inbox.messages) == 1
    recipients, raw = inbox.messages[0]
    assert sorted(recipients) == ["boss@example.com", "second@example.com"]
    message = parse(raw)
    assert message["From"] == "reports@kartoteka.test"
    assert (
        "2026-03-10" in message["Subject"]
        and message["Message-ID"] == f"<export-{schedule.id}-daily-2026-03-10@kartoteka>"
    )
    assert email.utils.parsedate_to_datetime(message["Date"]).tzinfo is not None
    rows = attachment_rows(message)
    assert rows[0][0] == "Card number"  # the owner's language
    assert sorted(r[0] for r in rows[1:]) == [shown_number(2023), shown_number(2024)]  # the owner's scope: all
    assert deliveries() == [("daily:2026-03-10", "sent", 1)]


def test_two_schedulers_at_once_send_one_email(app, inbox, schedule):
    db.session.commit()
    results, barrier = [], threading.Barrier(2)

    def run():
        with app.app_context():
            barrier.wait()
            results.append(export_jobs.send_due_export_emails(now=NOW))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results) == [0, 1]
    assert len(inbox.messages) == 1


def test_before_the_send_time_nothing_goes_and_the_next_period_gets_its_own_email(app, inbox, schedule):
    schedule.created_at = datetime(2026, 3, 9, 12, 0)  # after the send time of the 9th
    db.session.commit()
    assert export_jobs.send_due_export_emails(now=datetime(2026, 3, 10, 5, 59)) == 0  # 07:59 in Kyiv
    assert export_jobs.send_due_export_emails(now=NOW) == 1
    assert export_jobs.send_due_export_emails(now=NOW + timedelta(days=1)) == 1
    assert [parse(raw)["Subject"].endswith(day) for (_r, raw), day in
            zip(inbox.messages, ("2026-03-10", "2026-03-11"), strict=True)] == [True, True]  # fmt: skip
    assert [row.period_key for row in deliveries()] == ["daily:2026-03-10", "daily:2026-03-11"]


def test_weekly_and_monthly_periods_are_named_by_their_send_day(schedule):
    schedule.created_at = datetime(2026, 2, 1)
    schedule.period, schedule.weekday = "weekly", 0  # Monday
    assert export_schedules.due_period(schedule, NOW) == "weekly:2026-03-09"
    schedule.period, schedule.weekday, schedule.month_day = "monthly", None, 15
    assert export_schedules.due_period(schedule, NOW) == "monthly:2026-02-15"
    assert export_schedules.due_period(schedule, datetime(2026, 3, 15, 6, 0)) == "monthly:2026-03-15"
    schedule.created_at = datetime(2026, 3, 5)
    assert export_schedules.due_period(schedule, NOW) is None  # made after the last send day


def test_a_claim_left_by_a_crash_is_sent_again_once_it_is_stale(app, inbox, schedule):
    """At-least-once: a worker died after claiming (maybe after sending). A fresh claim is left
    alone; one older than STALE_CLAIM is taken over and the report is sent."""
    db.session.add(ExportDelivery(schedule_id=schedule.id, period_key="daily:2026-03-10", status="claimed",
                                  claimed_at=utcnow() - timedelta(minutes=1)))  # fmt: skip
    db.session.commit()
    assert export_jobs.send_due_export_emails(now=NOW) == 0
    delivery = db.session.scalar(select(ExportDelivery))
    delivery.claimed_at = utcnow() - export_schedules.STALE_CLAIM - timedelta(minutes=1)
    db.session.commit()
    assert export_jobs.send_due_export_emails(now=NOW) == 1
    assert export_jobs.send_due_export_emails(now=NOW) == 0
    assert len(inbox.messages) == 1
    assert deliveries() == [("daily:2026-03-10", "sent", 2)]


def test_a_refused_send_is_marked_failed_and_the_retry_sends_it(app, inbox, schedule, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    with pytest.raises(RuntimeError):
        export_jobs.send_due_export_emails(now=NOW)
    assert deliveries()[0][1] == "failed"
    monkeypatch.setitem(app.config, "MAIL_PORT", inbox_port(app, inbox))
    assert export_jobs.send_due_export_emails(now=NOW) == 1
    assert export_jobs.send_due_export_emails(now=NOW) == 0
    assert len(inbox.messages) == 1 and deliveries() == [("daily:2026-03-10", "sent", 2)]


def inbox_port(app, inbox):
    return inbox.port


def test_an_inactive_schedule_sends_nothing(app, inbox, schedule):
    schedule.is_active = False
    db.session.commit()
    assert export_jobs.send_due_export_emails(now=NOW) == 0 and inbox.messages == []


def test_without_a_mail_server_the_email_lands_in_the_outbox_with_its_file(app, schedule, team):
    assert app.config["MAIL_TRANSPORT"] == "outbox"  # nothing set: embedded mode's default
    assert export_jobs.send_due_export_emails(now=NOW) == 1
    db.session.expire_all()
    [kept] = db.session.scalars(select(OutboxMessage)).all()
    assert kept.recipients == "boss@example.com, second@example.com" and kept.subject
    assert kept.attachment_name == "New cards 2026-03-10.xlsx" and kept.attachment.startswith(b"PK")
    sheet = openpyxl.load_workbook(io.BytesIO(kept.attachment), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sorted(r[0] for r in rows[1:]) == [shown_number(2023), shown_number(2024)]
    assert deliveries() == [("daily:2026-03-10", "sent", 1)]


def test_a_failed_delivery_shows_on_the_schedules_list_and_the_owners_home_page(app, login_as, schedule, team,
                                                                                monkeypatch):  # fmt: skip
    monkeypatch.setitem(app.config, "MAIL_TRANSPORT", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    with pytest.raises(RuntimeError):
        export_jobs.send_due_export_emails(now=NOW)
    [(_period, status, _attempts)] = deliveries()
    assert status == "failed"
    schedule.owner.language = "en"
    db.session.commit()
    owner = signed_in(app, login_as, team["owner"])
    listing = owner.get("/admin/export-schedules/")
    assert listing.status_code == 200 and "Last delivery" in listing.text
    assert re.search(r'<span class="text-danger">Failed, [0-9-]+ [0-9:]+</span>', listing.text)
    assert "Connection refused" in listing.text or "Errno" in listing.text
    home = owner.get("/admin/")
    assert 'id="failed-emails"' in home.text and "Scheduled e-mails failed this week: 1." in home.text
