"""Reading an uploaded table: its header and its rows as text, from CSV (UTF-8, comma or semicolon)
or XLSX (the first sheet). Taken by its content: an XLSX is a zip that openpyxl opens, a CSV is
UTF-8 text without NUL bytes."""

import contextlib
import csv
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from services.platform.errors import RefusedChange

MAX_COLUMNS = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


class TableError(RefusedChange):
    pass


def kind_of(data):
    """XLSX or CSV by the content; TableError for anything else."""
    if data[:4] == b"PK\x03\x04":
        return XLSX
    if b"\x00" in data[:65536]:
        raise TableError(_l("Only CSV and XLSX files are taken; this one is not."))
    try:
        data[:65536].decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < 65530:  # not a character cut at the sample's end
            raise TableError(_l("A CSV file must be in UTF-8.")) from None
    return CSV


def _text(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(str(value)).normalize(), "f")
    return str(value).strip()


def rows(path, kind):
    """(header, a generator of (row number, [cells as text])) of the table at `path`."""
    if kind == XLSX:
        handle = open(path, "rb")  # noqa: SIM115 - closed with the workbook; a stored file has no extension
        try:
            book = load_workbook(handle, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any reason a workbook cannot be read is the same to the person
            handle.close()
            raise TableError(_l("The workbook cannot be read.")) from None
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = [_text(cell) for cell in next(values, ())][:MAX_COLUMNS]

        def generate():
            for number, row in enumerate(values, start=2):
                cells = [_text(cell) for cell in row[: len(header)]]
                if any(cells):
                    yield number, cells + [""] * (len(header) - len(cells))
            book.close()
            handle.close()

        return header, generate()
    handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the generator
    sample = handle.read(8192)
    handle.seek(0)
    dialect = csv.excel
    with contextlib.suppress(csv.Error):  # one column, or nothing to tell by: a plain comma table
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    reader = csv.reader(handle, dialect)
    header = [cell.strip() for cell in next(reader, [])][:MAX_COLUMNS]

    def generate():
        with handle:
            for number, row in enumerate(reader, start=2):
                cells = [cell.strip() for cell in row[: len(header)]]
                if any(cells):
                    yield number, cells + [""] * (len(header) - len(cells))

    return header, generate()
