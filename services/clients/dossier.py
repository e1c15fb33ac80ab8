"""A client's dossier as one XLSX workbook: his card on the first sheet, then a sheet for each section
another domain contributes (admin_views/pipeline/subject_pages.py), as the viewer sees him."""

import io

from flask_babel import lazy_gettext as _l

from services.exports.registry import plain_text, sheet_title, xlsx_value

CARD_TITLE = _l("Client")
CARD_COLUMNS = (_l("Field"), _l("Value"))


def card_rows(client):
    responsible = client.responsible.display_name if client.responsible else ""
    return [(_l("Name"), client.full_name), (_l("Phone"), client.phone), (_l("Other phone"), client.phone_other),
            (_l("E-mail"), client.email), (_l("Messenger"), client.messenger), (_l("Country"), client.country),
            (_l("Source"), client.source), (_l("Office"), str(client.office or "")),
            (_l("Responsible employee"), responsible), (_l("Stage"), client.stage.label if client.stage else ""),
            (_l("Tags"), client.tags), (_l("Notes"), client.notes), (_l("Added"), client.created_at)]  # fmt: skip


def workbook(client, sections, zone):
    """The XLSX bytes. `sections`: [(title, columns, rows)]. Every text is written as text (never a
    formula, whatever it starts with)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, columns, rows in [(CARD_TITLE, CARD_COLUMNS, card_rows(client)), *sections]:
        sheet = book.create_sheet(sheet_title(plain_text(title)))

        def cell(value, header=False, sheet=sheet):
            value = plain_text(value) if header else xlsx_value(value, zone)
            if not isinstance(value, str):
                return value
            made = WriteOnlyCell(sheet, value=value)
            made.data_type = "s"
            if header:
                made.font = bold
            return made

        sheet.append([cell(text, header=True) for text in columns])
        for row in rows:
            sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
