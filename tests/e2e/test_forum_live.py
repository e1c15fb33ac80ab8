"""The forum in a real browser: the supervisor's new message appears at once on the employee's open
topic; the employee scrolls to it, and the supervisor's "read by N of M" of that message rises live."""

import re

import pytest

from tests.e2e.pages import signed_in_live

pytestmark = pytest.mark.e2e
TOPIC = "Новий скрипт першого дзвінка"  # the demo's pinned topic (seeds/demo_forum.py)
LAST_RECEIPT = "document.querySelector('#forum-posts .forum-post:last-child .forum-receipt')"


def test_a_new_post_appears_for_the_reader_and_his_reading_shows_for_the_author(new_page, demo):
    supervisor = signed_in_live(new_page, "supervisor", "/admin/forum/")
    supervisor.locator("a", has_text="Скрипти дзвінків").first.click()
    supervisor.locator("#forum-topics a", has_text=TOPIC).click()
    supervisor.wait_for_url(re.compile(r"/admin/forum/topic/\d+/"))
    topic_url = supervisor.url
    employee = signed_in_live(new_page, "employee", topic_url)
    employee.wait_for_function("() => document.getElementById('forum-topic').dataset.joined === '1'")
    before = employee.locator("#forum-posts .forum-post").count()

    supervisor.locator("#post-body").fill("Ще одна порада: **слухайте** клієнта.")
    supervisor.locator("#send-reply").click()
    supervisor.wait_for_url(re.compile(r"/admin/forum/topic/\d+/"))
    supervisor.wait_for_function(f"() => {LAST_RECEIPT} && {LAST_RECEIPT}.dataset.read === '0'")

    employee.wait_for_function(f"() => document.querySelectorAll('#forum-posts .forum-post').length === {before + 1}")
    newest = employee.locator("#forum-posts .forum-post").last
    assert "слухайте" in newest.inner_text()
    newest.scroll_into_view_if_needed()

    supervisor.wait_for_function(f"() => {LAST_RECEIPT}.dataset.read === '1'", timeout=15000)
    receipt = supervisor.locator("#forum-posts .forum-post").last.locator(".forum-receipt")
    receipt.click()
    supervisor.locator("#forum-posts .forum-post").last.locator(
        ".forum-readers", has_text="Юлія Співробітник"
    ).wait_for()
    employee.watch.check()
    supervisor.watch.check()
