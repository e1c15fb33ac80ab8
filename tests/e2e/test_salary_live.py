"""Salary in a real browser: the department head adjusts his employee's salary on the team table, and
the employee's open "my salary" page (the demo people read Ukrainian) shows the adjustment and the new total without a reload; the
owner sets a personal figure and the employee sees it marked; a closed month's payslip downloads."""

import re

import pytest

from tests.e2e.pages import signed_in_live, t

pytestmark = pytest.mark.e2e
EMPLOYEE = "Юлія Співробітник"  # the demo's `employee`


def _so_far(page):
    return page.locator("#salary-figures .card").nth(3).locator(".h4").inner_text()


def test_a_department_heads_adjustment_shows_on_the_employees_page_at_once(new_page, demo):
    employee = signed_in_live(new_page, "employee", "/admin/salary/")
    before = _so_far(employee)
    head = signed_in_live(new_page, "depthead", "/admin/salary/team/")
    form = head.locator("#adjust-form")
    form.locator("#employee").select_option(label=EMPLOYEE)
    form.locator("#amount").fill("1234.50")
    form.locator("#reason").select_option("quality")
    form.locator("#comment").fill("")
    form.locator("button[type=submit]").click()
    head.locator("#comment.is-invalid").wait_for()  # a comment is required: refused, nothing saved
    assert "Spotless paperwork" not in employee.content()
    head.locator("#adjust-form #employee").select_option(label=EMPLOYEE)
    head.locator("#adjust-form #amount").fill("1234.50")
    head.locator("#adjust-form #comment").fill("Spotless paperwork this month")
    head.locator("#adjust-form button[type=submit]").click()
    head.wait_for_url(re.compile(r"/admin/salary/team/\?period="))

    employee.locator("#adjustments", has_text="Spotless paperwork this month").wait_for()
    assert _so_far(employee) != before
    assert "1 234.50" in employee.locator("#adjustments").inner_text().replace("\u00a0", " ").replace("\u202f", " ")
    employee.watch.check()
    head.watch.check()


def test_the_owner_sets_a_personal_figure_and_a_closed_month_has_its_payslip(new_page, demo):
    owner = signed_in_live(new_page, "owner", "/admin/salary/plans/")
    assert owner.locator("#salary-plans tr[data-plan-id]").count() >= 10
    employee_link = owner.locator("#personal-figures a, #raises-to-come a").first
    assert employee_link.count() == 1
    owner.goto("/admin/salary/team/")
    owner.locator("#team-salaries a", has_text=EMPLOYEE).click()
    owner.get_by_role("link", name=t("uk", "Set a personal figure")).click()
    owner.locator("#key").select_option("base")
    owner.locator("#value").fill("13500")
    owner.locator("#reason").fill("Mentors the new interns")
    owner.locator("#personal-figure-form button[type=submit]").click()
    owner.locator("#pay-lines .badge", has_text=t("uk", "personal")).first.wait_for()

    employee = signed_in_live(new_page, "employee", "/admin/salary/")
    assert "Mentors the new interns" in employee.locator("#personal-figures").inner_text()
    employee.locator("#salary-history a").first.click()
    employee.get_by_text(t("uk", "The period is closed: these figures are final.")).wait_for()
    with employee.expect_download() as download:
        employee.get_by_role("link", name=t("uk", "Payslip (PDF)")).first.click()
    assert download.value.suggested_filename.startswith("payslip-")
    owner.watch.check()
    employee.watch.check()
