"""Anonymous suggestions in a real browser: the employee writes to the head of department above her
supervisor, the head's bell rings, she answers publicly and marks it done, and the employee reads the
answer on the board; the head's page names nobody."""

import re

import pytest

from tests.e2e.pages import signed_in_live, t

pytestmark = pytest.mark.e2e
HEAD = "Світлана Керівник відділу"  # the demo's `depthead`
EMPLOYEE = "Юлія Співробітник"  # the demo's `employee`
TEXT = "Давайте повісимо дошку з планом на тиждень біля кухні."
ANSWER = "Дякую, повісимо в понеділок."


def test_the_employee_writes_to_the_head_who_answers_on_the_board(new_page, demo):
    head = signed_in_live(new_page, "depthead", "/admin/suggestions/?tab=inbox")
    before = int(head.locator("#bell-count").inner_text() or 0)
    employee = signed_in_live(new_page, "employee", "/admin/suggestions/new")
    employee.locator("#addressee").select_option(label=HEAD)
    employee.locator("#body").fill(TEXT)
    employee.locator("#suggestion-send").click()
    employee.wait_for_url(re.compile(r"/admin/suggestions/$"))
    assert employee.locator(".suggestion", has_text=TEXT).count() == 1

    head.wait_for_function(f"() => document.getElementById('bell-count').textContent === '{before + 1}'")
    head.reload()
    card = head.locator(".suggestion", has_text=TEXT)
    assert EMPLOYEE not in card.inner_text()
    card.locator("textarea[name=answer]").fill(ANSWER)
    card.locator("select[name=status]").select_option(label=t("uk", "Done"))
    card.locator("button[type=submit]").click()
    head.wait_for_url(re.compile(r"tab=inbox"))
    card = head.locator(".suggestion", has_text=TEXT)
    assert card.locator(".suggestion-status").inner_text() == t("uk", "Done")
    assert t("uk", "Done") in card.locator(".suggestion-history").inner_text()

    employee.reload()
    card = employee.locator(".suggestion", has_text=TEXT)
    assert ANSWER in card.locator(".suggestion-answer").inner_text()
    assert card.locator(".suggestion-status").inner_text() == t("uk", "Done")
    employee.watch.check()
    head.watch.check()
