"""The rules of a pipeline's definition, checked in one place for the panel's editor, the YAML loader
and any later API: field names, types and choices, conditions ("field=value") that name a choice
field of the same stage and one of its values — or, for a field, "to=<stage code>": asked only on
the move to that stage (a lost client's reason) —, money fields that book and the date field they
are dated by, and moves that stay within the pipeline.

Each check returns {what: message}; empty when the definition holds."""

import re

from flask_babel import lazy_gettext as _l

from models.pipeline import FIELD_TYPES, choice_pairs

NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
CONDITION = re.compile(r"([a-z][a-z0-9_]{0,39})=(.{1,40})")
# A field's condition on the move's target stage: "to=lost". No field may take the name.
TARGET = "to"


def parse_condition(text):
    """("field", "value") of a condition "field=value"; None for no condition; ValueError if malformed."""
    if not text or not text.strip():
        return None
    match = CONDITION.fullmatch(text.strip())
    if match is None:
        raise ValueError(text)
    return match.group(1), match.group(2).strip()


def condition_holds(condition, values, to_stage=None):
    """Whether the raw modal `values`, on a move to `to_stage`, meet the condition (None: always)."""
    parsed = parse_condition(condition)
    if parsed is None:
        return True
    name, wanted = parsed
    if name == TARGET:
        return to_stage is not None and to_stage.code == wanted
    return str(values.get(name) or "").strip() == wanted


def _check_condition(condition, fields, targets=None):
    """`targets`: the codes of the stages the stage moves to, where a condition may name one (a
    field's); None where it may not (a move's)."""
    try:
        parsed = parse_condition(condition)
    except ValueError:
        return _l("Write the condition as field=value, e.g. answer_received=yes.")
    if parsed is None:
        return None
    name, wanted = parsed
    if name == TARGET and targets is not None:
        return None if wanted in targets else _l("“to=” must name a stage this stage moves to.")
    field = fields.get(name)
    if field is None or field["type"] != "choice":
        return _l("The condition must name a choice field of this stage.")
    if wanted not in {value for value, _label in choice_pairs(field.get("choices"))}:
        return _l("The condition's value must be one of that field's choices.")
    return None


def check_fields(fields, targets=frozenset()):
    """`fields`: the stage's fields as dicts (name, type, choices, required_if, books, books_on), in
    order; `targets`: the codes of the stages it moves to."""
    errors = {}
    by_name = {}
    for field in fields:
        name = field.get("name") or ""
        if not NAME.fullmatch(name):
            errors[name or "?"] = _l("A field name is lowercase latin letters, digits and _ (up to 40).")
            continue
        if name == TARGET:
            errors[name] = _l("“to” is kept for conditions on the next stage: name the field otherwise.")
            continue
        if name in by_name:
            errors[name] = _l("Two fields of a stage cannot share a name.")
        by_name[name] = field
        if field.get("type") not in FIELD_TYPES:
            errors[name] = _l("Unknown field type.")
        elif field["type"] == "choice" and not choice_pairs(field.get("choices")):
            errors[name] = _l('A choice field needs choices, one "value|uk|ru|en" per line.')
    for name, field in by_name.items():
        problem = _check_condition(field.get("required_if"), by_name, targets)
        if problem:
            errors[name] = problem
        if field.get("books"):
            dated_by = by_name.get(field.get("books_on") or "")
            if field.get("type") != "money":
                errors[name] = _l("Only a money field can book an entry.")
            elif dated_by is None or dated_by.get("type") != "date":
                errors[name] = _l("Name the date field of this stage that dates the entry.")
    return errors


def check_moves(pipeline_stage_ids, moves, fields):
    """`moves`: (target stage id, condition) of one stage; `fields`: its fields as for check_fields."""
    errors = {}
    by_name = {field.get("name"): field for field in fields}
    for target, condition in moves:
        if target not in pipeline_stage_ids:
            errors[str(target)] = _l("A move must lead to a stage of the same pipeline.")
            continue
        problem = _check_condition(condition, by_name)
        if problem:
            errors[str(target)] = problem
    return errors


def field_dicts(stage):
    """A stage's fields (models) as the checks read them."""
    return [
        {
            "name": field.name,
            "type": field.type,
            "choices": field.choices,
            "required_if": field.required_if,
            "books": field.books,
            "books_on": field.books_on,
        }
        for field in stage.fields
    ]
