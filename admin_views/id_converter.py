"""The `id` URL converter of every route that takes a record id (`/cards/<id:card_id>/...`): 1 to 18
ASCII digits and above zero, so it fits a BIGINT. Werkzeug's `int` takes any number of digits (the
database then overflows: a 500) and its regex any script's digits; with `id` the route does not
match, a 404 like any missing record."""

from werkzeug.routing import BaseConverter, ValidationError

from services.platform.errors import MAX_ID_DIGITS, parse_id


class IdConverter(BaseConverter):
    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"
    weight = 50  # as werkzeug's number converters: a literal segment wins over it

    def to_python(self, value):
        record_id = parse_id(value)
        if record_id is None:
            raise ValidationError()
        return record_id

    def to_url(self, value):
        return str(int(value))


def init_app(app):
    """Before any view registers its routes: a rule takes its converter when it is added."""
    app.url_map.converters["id"] = IdConverter
