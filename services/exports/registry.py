"""Exports: a registry of the lists that can be downloaded, and the CSV / XLSX writers.

A list is registered with `register(key, title, permission, columns, rows)`: `rows(user, args)`
yields row tuples already narrowed by the access policy and by the same query-string filters as
the list's page; `columns` are lazy-translated headers. Rows are read in keyset batches (short
queries, never a cursor held open across the progress commits), and the writers stream: the XLSX
writer uses openpyxl's write-only mode, so memory stays flat however long the list is.

Values are written as the user reads them: datetimes (naive UTC in the database) in his time
zone, Decimal amounts as exact numbers (XLSX) or plain digits (CSV), headers in his language.
Text is never taken for a formula: a text cell that begins like one gets a leading quote, and an
XLSX text cell is always written as a string.
"""

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from extensions import db
from services.platform import access
from services.platform.errors import RefusedChange
from services.platform.timezones import DEFAULT_ZONE, to_local

BATCH = 1000
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
DATETIME_TEXT = "%Y-%m-%d %H:%M"
MAX_ARGS = 40
MAX_ARG_LENGTH = 500


class ExportError(RefusedChange):
    """A refused export: `status` is the HTTP answer (400 bad request, 403 not allowed)."""


@dataclass(frozen=True)
class ExportList:
    key: str
    title: object
    permission: str
    columns: tuple
    rows: object
    check: object = None
    total: object = None
    describe: object = None

    def headers(self):
        return [str(column) for column in self.columns]


REGISTRY = {}


def register(key, title, permission, columns, rows, check=None, total=None, describe=None):
    """Add an exportable list. `check(args)` returns {arg: message} for a malformed filter (a 400
    before anything is queued); `total(user, args)` may give the row count when it is cheap;
    `describe(args, user)` says the filters in words as `user` may read them, [(label, text)] (a
    scheduled e-mail's form)."""
    if permission not in access.PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    REGISTRY[key] = ExportList(key, title, permission, tuple(columns), rows, check, total, describe)
    return REGISTRY[key]


def file_name(title, moment_text, extension):
    """A downloaded or mailed file's name as people read it: the list's title and when, e.g.
    "Архів карток 2026-12-07.xlsx" (letters of any script; no slashes or quotes)."""
    words = re.sub(r"[^\w\- ]+", " ", str(title), flags=re.UNICODE).split()
    return f"{' '.join(words) or 'export'} {moment_text}.{extension}"


def filters_in_words(spec, args, user):
    """[(label, text)] of the list's filters in `args`; a filter the list cannot say is named as such."""
    args = {name: value for name, value in clean_args(args).items() if name not in ("tab", "after", "page")}
    if not args:
        return []
    if spec is not None and spec.describe is not None:
        return spec.describe(args, user)
    return [(_l("Filters"), _l("as set on the list page"))]


def get(key):
    return REGISTRY.get(key)


def available(user):
    return [spec for spec in REGISTRY.values() if access.can(user, spec.permission)]


def localized(record):
    """A record's uk/ru/en label in the language in force (jobs included)."""
    if record is None:
        return ""
    language = str(get_locale() or "uk")
    return getattr(record, f"name_{language}", None) or record.name_uk


def clean_args(args):
    """The page's query string as a plain {name: value} (first value of each), bounded in size."""
    items = args.items() if hasattr(args, "items") else []
    clean = {}
    for name, value in list(items)[:MAX_ARGS]:
        if isinstance(value, (list, tuple)):
            value = value[0] if value else ""
        if isinstance(name, str) and isinstance(value, (str, int)):
            clean[name[:60]] = str(value)[:MAX_ARG_LENGTH]
    return clean


def check_request(user, key, fmt, args):
    """The list to export, or ExportError: unknown list or format 400, not allowed 403,
    malformed filter 400."""
    spec = get(key)
    if spec is None:
        raise ExportError(_l("Unknown list."))
    if fmt not in FORMATS:
        raise ExportError(_l("Choose CSV or XLSX."))
    if not access.can(user, spec.permission):
        raise ExportError(_l("You may not export this list."), status=403)
    errors = spec.check(args) if spec.check else {}
    if errors:
        raise ExportError(_l("The filter was not understood."), errors=errors)
    return spec


def zone_of(user):
    try:
        return ZoneInfo(getattr(user, "timezone", None) or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


# --- reading in batches ------------------------------------------------------------------------


def keyset(query, column, convert=tuple, batch=None, descending=True, entities=False, convert_batch=None):
    """Rows of the Select `query` ordered by the unique `column`, read BATCH at a time by keyset
    (`column < last` descending): each batch a short query, converted before it is handed on.
    `entities`: the query selects one ORM entity (rows are records, not tuples). `convert_batch`:
    converts a whole batch at once instead (what its rows name is then read once a batch)."""
    size = batch or BATCH
    last = None
    ordered = query.order_by(None).order_by(column.desc() if descending else column.asc())
    while True:
        page = ordered if last is None else ordered.where(column < last if descending else column > last)
        result = db.session.execute(page.limit(size))
        records = result.unique().scalars().all() if entities else result.all()
        if not records:
            return
        converted = convert_batch(records) if convert_batch else [convert(record) for record in records]
        last = _key_of(records[-1], column)
        yield from converted
        if len(records) < size:
            return


def _key_of(record, column):
    if hasattr(record, "_mapping"):
        return record._mapping[column]
    return getattr(record, column.key)


# --- values and writers --------------------------------------------------------------------------


# What a spreadsheet reads as the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain_text(value):
    """`value` as text that no spreadsheet takes for a formula: a leading quote where it begins
    like one. Only for text: numbers are written as numbers, a negative amount stays one."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def xlsx_value(value, zone):
    if value is None:
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return to_local(value, zone).replace(tzinfo=None)
    if isinstance(value, (date, Decimal, int, float)):
        return value
    return plain_text(value)


# What spreadsheet programs expect of a CSV in the user's language: where the decimal mark is a comma
# (uk, ru), the fields are separated by a semicolon.
CSV_STYLES = {"uk": (";", ","), "ru": (";", ","), "en": (",", ".")}


def csv_style(language):
    """(field separator, decimal mark) for a user's language."""
    return CSV_STYLES.get(language, CSV_STYLES["uk"])


def csv_value(value, zone, decimal_mark="."):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return to_local(value, zone).strftime(DATETIME_TEXT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", decimal_mark)
    if isinstance(value, float):
        return str(value).replace(".", decimal_mark)
    if isinstance(value, int):
        return str(value)
    return plain_text(value)


class _Counter:
    def __init__(self, progress, every):
        self.count, self.progress, self.every = 0, progress, every or BATCH

    def tick(self):
        self.count += 1
        if self.progress is not None and self.count % self.every == 0:
            self.progress(self.count)


def write_csv(path, headers, rows, zone, progress=None, every=None, language="uk"):
    """UTF-8 with a BOM, so that Excel opens Cyrillic text correctly, in the separator and decimal
    mark of the user's language (csv_style)."""
    counter = _Counter(progress, every)
    separator, decimal_mark = csv_style(language)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=separator)
        writer.writerow([plain_text(text) for text in headers])
        for row in rows:
            writer.writerow([csv_value(value, zone, decimal_mark) for value in row])
            counter.tick()
    return counter.count


def sheet_title(title):
    return (re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip() or "Export")[:31]


def write_xlsx(path, headers, rows, zone, progress=None, every=None, title="Export"):
    """openpyxl write-only: rows go to a temporary file as they come, memory stays flat."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.styles import Font

    def cell_of(value, always=False):
        # openpyxl makes a formula of text starting with "=" and an error of "#N/A" and its kin; a
        # cell forced to string keeps them text. Other text goes as it is (a cell each costs time).
        if not isinstance(value, str) or not (always or value.startswith("=") or value in ERROR_CODES):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell

    counter = _Counter(progress, every)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = cell_of(plain_text(text), always=True)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([cell_of(xlsx_value(value, zone)) for value in row])
        counter.tick()
    workbook.save(path)
    return counter.count


def build(spec, user, args, fmt, path, progress=None, every=None):
    """Write the list `spec` as `user` sees it to `path`; the number of rows written. The caller
    sets the user's language (force_locale) and acting user; the zone is the user's own."""
    zone = zone_of(user)
    headers = spec.headers()
    rows = spec.rows(user, args)
    if fmt == "csv":
        return write_csv(path, headers, rows, zone, progress, every, language=getattr(user, "language", None))
    if fmt == "xlsx":
        return write_xlsx(path, headers, rows, zone, progress, every, title=spec.title)
    raise ExportError(_l("Choose CSV or XLSX."))
