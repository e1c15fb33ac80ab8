"""What the services share for refusing input: the refused-change error and id parsing."""

MAX_ID_DIGITS = 18


class RefusedChange(Exception):
    """A refused change: `status` is the HTTP answer, `errors` maps input names to messages."""

    def __init__(self, message, status=400, errors=None):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.errors = errors or {}


def parse_id(value):
    """A positive database id from request text, or None: never an error, never an overflow. ASCII
    digits only (str.isdecimal and int() take any script's digits); 18 of them fit a BIGINT."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdecimal() and len(text) <= MAX_ID_DIGITS):
        return None
    return int(text) if int(text) > 0 else None
