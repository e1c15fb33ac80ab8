"""Exports as files: the registry, CSV with a BOM and XLSX read back, headers in the user's
language, times in his zone, exact amounts, only his scope, the page's filters, keyset batches,
flat memory, and no text ever taken for a formula."""

import csv
import io
import tracemalloc
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from flask_babel import force_locale

from extensions import db
from jobs.exports import as_user
from models.cards.directory import Bank, Contractor
from models.platform.audit import ChangeLog
from models.platform.org import Office
from services.cards import lists as card_lists
from services.exports import registry as exports
from tests.factories.cards import card_number, new_card, put_on, shown_number
from tests.factories.platform import make_user

EXPECTED_KEYS = {
    "cards.new", "cards.in_work", "cards.worked_off", "cards.archive", "staff", "contractors", "banks", "changelog",
    "tasks.incoming", "tasks.outgoing", "tasks.all", "tasks.auto", "finance.report",
}  # fmt: skip


@pytest.fixture
def team():
    return {
        "owner": make_user(role_code="owner", full_name="Olena Owner", language="en", timezone="Asia/Tokyo"),
        "agent": make_user(role_code="agent", full_name="Andrii Agent", language="en", timezone="Asia/Tokyo"),
        "agent2": make_user(role_code="agent", full_name="Bohdan Agent", language="uk"),
        "manager": make_user(role_code="manager", full_name="Maria Manager"),
        "accountant": make_user(role_code="accountant", full_name="Anna Accountant"),
    }


def export(user, key, fmt, tmp_path, args=None):
    spec = exports.get(key)
    path = tmp_path / f"out.{fmt}"
    with as_user(user):
        count = exports.build(spec, user, args or {}, fmt, path)
    return path, count


def read_csv(path, delimiter=","):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))


def read_xlsx(path):
    sheet = openpyxl.load_workbook(path, read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_every_list_and_report_is_registered():
    owner_keys = {spec.key for spec in exports.available(make_user(role_code="owner"))}
    assert EXPECTED_KEYS <= owner_keys == set(exports.REGISTRY)
    for key in EXPECTED_KEYS:
        assert exports.get(key) is not None, key


def test_what_a_user_may_export_follows_his_permissions(team):
    agent_keys = {spec.key for spec in exports.available(team["agent"])}
    assert {"cards.new", "cards.archive", "tasks.auto"} <= agent_keys
    assert not agent_keys & {"staff", "banks", "changelog", "finance.report", "tasks.all"}


def test_check_request_refuses_unknown_lists_bad_formats_and_others_lists(team):
    with pytest.raises(exports.ExportError) as unknown:
        exports.check_request(team["agent"], "nope", "csv", {})
    with pytest.raises(exports.ExportError) as fmt:
        exports.check_request(team["agent"], "cards.new", "pdf", {})
    with pytest.raises(exports.ExportError) as denied:
        exports.check_request(team["agent"], "staff", "csv", {})
    with pytest.raises(exports.ExportError) as bad_filter:
        exports.check_request(team["agent"], "cards.archive", "csv", {"bank": "x"})
    statuses = (unknown.value.status, fmt.value.status, denied.value.status, bad_filter.value.status)
    assert statuses == (400, 400, 403, 400)


def test_an_agents_csv_of_cards_has_only_his_cards_with_english_headers_and_tokyo_times(team, tmp_path):
    mine = new_card(team, number=card_number(2029), contact_name="Іван Петренко")
    new_card(team, agent="agent2", number=card_number(2031))
    mine.stage_entered_at = datetime(2026, 1, 15, 10, 0)
    db.session.commit()
    path, count = export(team["agent"], "cards.new", "csv", tmp_path)
    rows = read_csv(path)
    assert rows[0][0] == "Card number" and rows[0][-1] == "In the stage since"
    assert count == 1 and [r[0] for r in rows[1:]] == [shown_number(2029)]
    assert rows[1][1] == "Іван Петренко"
    assert rows[1][-1] == "2026-01-15 19:00"  # 10:00 UTC in Tokyo


def test_headers_follow_the_users_language(team, tmp_path):
    new_card(team, agent="agent2", number=card_number(2032))
    path, _count = export(team["agent2"], "cards.new", "xlsx", tmp_path)
    with force_locale("uk"):
        expected = exports.get("cards.new").headers()
    assert read_xlsx(path)[0] == expected


def test_xlsx_keeps_times_as_local_datetimes_and_amounts_as_exact_numbers(team, tmp_path):
    db.session.add_all(
        [
            Bank(name="Alpha", commission_percent=Decimal("1.25"), commission_fixed=Decimal("1234567.89")),
            Bank(name="Beta", commission_fixed=Decimal("0.10")),
        ]
    )
    db.session.commit()
    path, count = export(team["owner"], "banks", "xlsx", tmp_path)
    rows = read_xlsx(path)
    assert count == 2
    assert rows[0][:4] == ["Name", "Bank code (MFO)", "Commission, %", "Fixed commission"]
    alpha = next(r for r in rows if r[0] == "Alpha")
    assert isinstance(alpha[3], (int, float)) and Decimal(str(alpha[3])) == Decimal("1234567.89")
    assert Decimal(str(alpha[2])) == Decimal("1.25")
    csv_rows = read_csv(export(team["owner"], "banks", "csv", tmp_path)[0])
    assert next(r for r in csv_rows if r[0] == "Alpha")[2:4] == ["1.25", "1234567.89"]

    card = new_card(team, number=card_number(2030))
    card.stage_entered_at = datetime(2026, 6, 30, 20, 30)
    db.session.commit()
    rows = read_xlsx(export(team["owner"], "cards.new", "xlsx", tmp_path)[0])
    assert rows[1][-1] == datetime(2026, 7, 1, 5, 30)  # Tokyo is UTC+9


def test_the_archive_export_takes_the_pages_filters_and_reads_every_page(team, tmp_path, monkeypatch):
    bank = Bank(name="Filter Bank")
    db.session.add(bank)
    db.session.commit()
    for n in range(5):
        put_on(new_card(team, number=card_number(3100 + n), bank=bank), "archived")
    put_on(new_card(team, number=card_number(2028)), "archived")
    monkeypatch.setattr(exports, "BATCH", 2)
    path, count = export(team["owner"], "cards.archive", "csv", tmp_path, {"bank": str(bank.id), "after": "999999"})
    numbers = [r[0] for r in read_csv(path)[1:]]
    assert count == 5 and numbers == [shown_number(3100 + n) for n in range(4, -1, -1)]


def test_tabs_are_read_in_keyset_batches_in_the_same_order_as_the_page(team, tmp_path, monkeypatch):
    for n in range(7):
        new_card(team, number=card_number(3200 + n))
    monkeypatch.setattr(exports, "BATCH", 3)
    numbers = [r[0] for r in read_csv(export(team["owner"], "cards.new", "csv", tmp_path)[0])[1:]]
    assert numbers == [row.number for row in card_lists.tab_rows(team["owner"], "new")[0]]
    assert len(numbers) == 7


def test_the_staff_export_uses_the_pages_search(team, tmp_path):
    make_user(role_code="agent", full_name="Zqx Findable")
    rows = read_csv(export(team["owner"], "staff", "csv", tmp_path, {"search": "Zqx"})[0])
    assert [r[1] for r in rows[1:]] == ["Zqx Findable"]
    everyone = read_csv(export(team["owner"], "staff", "csv", tmp_path)[0])
    assert len(everyone) - 1 == 6


def test_the_change_log_export_is_newest_first_in_batches_with_the_search(team, tmp_path, monkeypatch):
    db.session.add_all([ChangeLog(entity="banks", entity_id=str(n), action="update", field="name",
                                  new_value=f"needle {n}") for n in range(5)])  # fmt: skip
    db.session.commit()
    monkeypatch.setattr(exports, "BATCH", 2)
    rows = read_csv(export(team["owner"], "changelog", "csv", tmp_path, {"search": "needle"})[0])
    assert rows[0][0] == "When"
    assert [r[-1] for r in rows[1:]] == [f"needle {n}" for n in range(4, -1, -1)]


def test_the_finance_report_exports_its_figures_as_exact_numbers(team, tmp_path):
    path, count = export(team["owner"], "finance.report", "xlsx", tmp_path, {"from": "2026-01-01", "to": "2026-01-31"})
    rows = read_xlsx(path)
    assert rows[0][0] == "Section" and count >= 1
    assert rows[1][1] == "2026-01-01 — 2026-01-31" and Decimal(str(rows[1][2])) == Decimal("0")


def test_the_xlsx_writer_streams_with_flat_memory(tmp_path):
    def rows(n):
        for i in range(n):
            yield (i, f"row {i}", Decimal("12.34"), datetime(2026, 1, 1, 12, 0))

    def peak(n):
        tracemalloc.start()
        exports.write_xlsx(tmp_path / f"{n}.xlsx", ["a", "b", "c", "d"], rows(n), exports.zone_of(None))
        _current, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(2_000), peak(40_000)
    assert large < small * 3 + 2_000_000, (small, large)


# --- text that a spreadsheet would take for a formula ---------------------------------------------------

FORMULAS = ('=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx")


@pytest.fixture
def formula_texts(team):
    """Each formula as a card's contact, a person's name, a contractor's and an office's name: a
    list of the services, one of a Flask-Admin view's own rows and one of a view's export columns."""
    for n, text in enumerate(FORMULAS):
        new_card(team, number=card_number(3300 + n), contact_name=text)
        make_user(role_code="agent", full_name=text)
        db.session.add_all([Contractor(name=text), Office(name=text)])
    db.session.commit()


FORMULA_COLUMNS = [("cards.new", 1), ("staff", 1), ("contractors", 0), ("offices", 0)]


@pytest.mark.parametrize(("key", "column"), FORMULA_COLUMNS)
def test_a_csv_cell_that_begins_like_a_formula_gets_a_leading_quote(team, formula_texts, tmp_path, key, column):
    rows = read_csv(export(team["owner"], key, "csv", tmp_path)[0])[1:]
    written = [row[column] for row in rows if row[column].removeprefix("'") in FORMULAS]
    assert sorted(written) == sorted("'" + text for text in FORMULAS)


@pytest.mark.parametrize(("key", "column"), FORMULA_COLUMNS)
def test_an_xlsx_cell_of_user_text_is_never_a_formula(team, formula_texts, tmp_path, key, column):
    sheet = openpyxl.load_workbook(export(team["owner"], key, "xlsx", tmp_path)[0]).active
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    as_read = {text.replace("\r", "\n") for text in FORMULAS}  # XML reads a CR as a line feed
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    quoted = [cell for cell in cells if str(cell.value).removeprefix("'") in as_read]
    assert len(quoted) == len(FORMULAS)
    for cell in quoted:
        assert cell.data_type == "s" and cell.value.startswith("'"), (cell.coordinate, cell.value)
    assert '\'=HYPERLINK("http://x","y")' in [cell.value for cell in quoted]


def test_numbers_stay_numbers_and_only_text_is_quoted(tmp_path):
    row = (Decimal("-12.50"), -3, -0.5, date(2026, 1, 2), "-12.50", "#N/A", "plain")
    zone = exports.zone_of(None)
    exports.write_csv(tmp_path / "out.csv", ["a"] * len(row), [row], zone, language="en")
    assert read_csv(tmp_path / "out.csv")[1] == ["-12.50", "-3", "-0.5", "2026-01-02", "'-12.50", "#N/A", "plain"]
    exports.write_xlsx(tmp_path / "out.xlsx", ["a"] * len(row), [row], zone)
    cells = next(openpyxl.load_workbook(tmp_path / "out.xlsx").active.iter_rows(min_row=2))
    assert [cell.data_type for cell in cells] == ["n", "n", "n", "d", "s", "s", "s"]
    assert [cell.value for cell in cells[:3]] == [-12.5, -3, -0.5]
    assert [cell.value for cell in cells[4:]] == ["'-12.50", "#N/A", "plain"]


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_a_csv_in_ukrainian_or_russian_is_separated_by_semicolons_with_decimal_commas(team, tmp_path, language):
    db.session.add(Bank(name="Alpha", commission_percent=Decimal("1.25"), commission_fixed=Decimal("1234567.89")))
    db.session.commit()
    team["owner"].language = language
    path, _count = export(team["owner"], "banks", "csv", tmp_path)
    first_line = path.read_bytes().decode("utf-8-sig").splitlines()[0]
    assert len(first_line.split(";")) == 6  # the header "Commission, %" keeps its comma inside one field
    alpha = next(r for r in read_csv(path, delimiter=";") if r[0] == "Alpha")
    assert alpha[2:4] == ["1,25", "1234567,89"]
