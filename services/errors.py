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
    """A positive database id from request text, or None: never an error, never an overflow."""
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdecimal() and len(text) <= MAX_ID_DIGITS and int(text) > 0 else None
