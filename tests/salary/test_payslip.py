"""A closed period on "my salary": its payslip detail from the frozen inputs, the history of closed
periods, and the payslip as PDF — to the person and his leaders only, never for an open period."""

from jobs import salary as salary_jobs


def test_a_closed_period_shows_its_payslip_and_downloads_it_as_pdf(client_of, team, period):
    salary_jobs.close_period(period.id, team["owner"].id)
    employee = client_of("employee")
    page = employee.get(f"/admin/salary/?period={period.id}")
    assert page.status_code == 200
    for text in ("these figures are final", "for each of “Points earned”", "Payslip (PDF)", "Closed periods", "Good"):
        assert text in page.text, text
    pdf = employee.get(f"/admin/salary/payslip.pdf?period={period.id}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    leader = client_of("supervisor").get(f"/admin/salary/payslip.pdf?period={period.id}&employee={team['employee'].id}")
    assert leader.status_code == 200 and leader.data.startswith(b"%PDF")


def test_a_payslip_is_nobody_elses_and_an_open_period_has_none(client_of, team, period):
    assert client_of("employee").get(f"/admin/salary/payslip.pdf?period={period.id}").status_code == 404  # open
    salary_jobs.close_period(period.id, team["owner"].id)
    url = f"/admin/salary/payslip.pdf?period={period.id}&employee={team['employee'].id}"
    assert client_of("peer").get(url).status_code == 404
    assert client_of("employee2").get(url).status_code == 404
    assert client_of("employee").get("/admin/salary/payslip.pdf?period=999999").status_code == 404
