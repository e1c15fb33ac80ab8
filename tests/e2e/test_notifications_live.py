"""The bell in a real browser: the supervisor sets the employee a task and the employee's bell,
on whatever page he has open, counts it at once; the notification opens the task and is read."""

import re

import pytest

from tests.e2e.pages import signed_in_live

pytestmark = pytest.mark.e2e
EMPLOYEE = "Юлія Співробітник"  # the demo's `employee`


def test_a_task_set_by_the_supervisor_rings_the_employees_bell_live(new_page, demo):
    employee = signed_in_live(new_page, "employee", "/admin/salary/")
    bell = employee.locator("#bell-count")
    before = int(bell.inner_text() or 0)
    badge = '.navbar a[href="/admin/tasks/"] .menu-badge'
    tasks_before = int(employee.locator(badge).inner_text() or 0) if employee.locator(badge).count() else 0
    supervisor = signed_in_live(new_page, "supervisor", "/admin/tasks/new/")
    supervisor.locator("#title").fill("Передзвонити Анні до обіду")
    supervisor.locator("#assignee_id").select_option(label=EMPLOYEE)
    supervisor.locator("#deadline").fill("2030-01-10T12:00")
    supervisor.locator('#task-form button[type="submit"]').click()
    supervisor.wait_for_url(re.compile(r"/admin/tasks/\d+/"))

    employee.wait_for_function(f"() => document.getElementById('bell-count').textContent === '{before + 1}'")
    assert bell.is_visible()
    employee.locator(badge, has_text=str(tasks_before + 1)).wait_for()  # the section's badge
    employee.locator("#bell").click()
    employee.locator("#notifications a", has_text="Передзвонити Анні до обіду").click()
    employee.wait_for_url(re.compile(r"/admin/tasks/\d+/"))
    assert employee.locator("#bell-count").inner_text() == str(before)
    assert employee.locator(badge).count() == (1 if tasks_before else 0)
    employee.watch.check()
    supervisor.watch.check()
