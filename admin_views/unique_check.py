"""The check of a unique column on the panel's forms, reading only the key of the record that holds
the value. Flask-Admin's own `Unique` loads that record with every eager relationship of its model:
for a card, its people with their roles, grants and offices, ~30 statements per save."""

from flask_admin.contrib.sqla.validators import Unique
from sqlalchemy import inspect, select
from wtforms import ValidationError
from wtforms.fields.core import UnboundField

from extensions import db


class KeyOnlyUnique(Unique):
    def __call__(self, form, field):
        if field.data is None:  # databases allow many NULLs in a unique column
            return
        keys = inspect(self.model).primary_key
        holder = db.session.execute(select(*keys).where(self.column == field.data).limit(1)).first()
        edited = getattr(form, "_obj", None)
        if holder is not None and (edited is None or tuple(holder) != inspect(edited).identity):
            raise ValidationError(str(self.message))


def key_only_unique(form_class):
    """The scaffolded form class with each Flask-Admin `Unique` swapped for `KeyOnlyUnique`."""
    for name in dir(form_class):
        field = getattr(form_class, name)
        if isinstance(field, UnboundField) and field.kwargs.get("validators"):
            field.kwargs["validators"] = [
                KeyOnlyUnique(v.db_session, v.model, v.column, v.message) if type(v) is Unique else v
                for v in field.kwargs["validators"]
            ]
    return form_class
