"""The keyset cursor of the paged lists ordered by a time and an id: '<ISO date-time>_<id>' (the
tracker's columns by deadline, the auto-tasks tab by opening time). One parser for every `after=`
of that kind: a naive date-time and an id that fits the database, or None. (The lists paged by id
alone take their cursor through services.platform.errors.parse_id.)"""

import re
from datetime import datetime

from services.platform.errors import parse_id

CURSOR_RE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?)_([0-9]+)")


def cursor_text(moment, row_id):
    return f"{moment.isoformat()}_{row_id}"


def parse_cursor(text):
    """'2026-11-23T10:00:00_123' → (datetime(2026, 11, 23, 10, 0), 123); anything else → None."""
    match = CURSOR_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    try:
        moment = datetime.fromisoformat(match[1])
    except ValueError:
        return None
    row_id = parse_id(match[2])
    return None if row_id is None else (moment, row_id)
