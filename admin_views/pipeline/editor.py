"""Low-code pipeline editing (owner): stages, their field specs and allowed moves are data.
A change applies to the next move; nothing is cached."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.validators import ValidationError

from admin_views.base import SecuredModelView
from extensions import db
from models.pipeline import FIELD_TYPES, Stage, StageField, StageMove

BUCKETS = [("new", _l("New")), ("in_work", _l("In work")), ("worked_off", _l("Worked off")), ("archive", _l("Archive"))]
RESPONSIBLE_ROLES = [
    ("agent", _l("Agent")),
    ("manager", _l("Manager")),
    ("accountant", _l("Accountant")),
    ("administrator", _l("Administrator")),
    ("owner", _l("Owner")),
]
FIELD_TYPE_LABELS = {
    "text": _l("Text"),
    "number": _l("Number"),
    "money": _l("Money"),
    "date": _l("Date"),
    "choice": _l("Choice"),
    "user": _l("Person"),
    "bool": _l("Yes/no"),
}

LABELS = {
    "pipeline": _l("Pipeline"),
    "code": _l("Code"),
    "position": _l("Order"),
    "name_uk": _l("Name (Ukrainian)"),
    "name_ru": _l("Name (Russian)"),
    "name_en": _l("Name (English)"),
    "responsible_role": _l("Responsible role"),
    "color": _l("Colour"),
    "bucket": _l("Cards tab"),
    "transactions_allowed": _l("Transactions allowed"),
    "deadline_days": _l("Deadline, days"),
    "periodic_interval_days": _l("Periodic task every N days"),
    "deadline_rollover": _l("Roll the deadline over to the next day"),
    "is_final": _l("Final"),
    "fields": _l("Modal fields"),
    "move_targets": _l("Allowed moves to"),
    "stages": _l("Stages"),
}


class PipelineView(SecuredModelView):
    permission = "pipelines.manage"
    manage_permission = "pipelines.manage"
    can_delete = False
    column_list = ("code", "name_uk", "name_ru", "name_en")
    form_columns = ("code", "name_uk", "name_ru", "name_en")
    column_labels = LABELS


class StageView(SecuredModelView):
    permission = "pipelines.manage"
    manage_permission = "pipelines.manage"
    column_list = (
        "pipeline",
        "position",
        "code",
        "name_uk",
        "responsible_role",
        "bucket",
        "transactions_allowed",
        "deadline_days",
        "periodic_interval_days",
        "deadline_rollover",
        "is_final",
    )
    column_default_sort = ("position", False)
    column_filters = ("pipeline",)
    column_labels = LABELS
    form_columns = (
        "pipeline",
        "position",
        "code",
        "name_uk",
        "name_ru",
        "name_en",
        "responsible_role",
        "color",
        "bucket",
        "transactions_allowed",
        "deadline_days",
        "periodic_interval_days",
        "deadline_rollover",
        "is_final",
        "move_targets",
        "fields",
    )
    form_choices = {"bucket": BUCKETS, "responsible_role": RESPONSIBLE_ROLES}
    form_extra_fields = {"move_targets": SelectMultipleField(_l("Allowed moves to"), coerce=int)}
    inline_models = [
        (
            StageField,
            {
                "form_columns": (
                    "id",
                    "position",
                    "name",
                    "label_uk",
                    "label_ru",
                    "label_en",
                    "type",
                    "required",
                    "choices",
                ),
                "form_choices": {"type": [(t, FIELD_TYPE_LABELS[t]) for t in FIELD_TYPES]},
                "form_label": _l("Modal field"),
                "column_labels": {
                    "position": _l("Order"),
                    "name": _l("Key"),
                    "label_uk": _l("Label (Ukrainian)"),
                    "label_ru": _l("Label (Russian)"),
                    "label_en": _l("Label (English)"),
                    "type": _l("Type"),
                    "required": _l("Required"),
                    "choices": _l("Choices: value|uk|ru|en per line"),
                },
            },
        )
    ]

    def _fill_targets(self, form, model):
        stages = db.session.query(Stage).order_by(Stage.pipeline_id, Stage.position).all()
        form.move_targets.choices = [
            (s.id, f"{s.position}. {s.label}") for s in stages if model is None or s.id != model.id
        ]

    def create_form(self, obj=None):
        form = super().create_form(obj)
        self._fill_targets(form, None)
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        self._fill_targets(form, obj)
        return form

    def on_form_prefill(self, form, id):
        model = self.get_one(id)
        if model is not None:
            form.move_targets.data = [move.to_stage_id for move in model.moves]

    def on_model_change(self, form, model, is_created):
        for field in model.fields:
            if field.type not in FIELD_TYPES:
                raise ValidationError(_("Unknown field type: %(type)s", type=field.type))
            if field.type == "choice" and not field.choice_list():
                raise ValidationError(_("The choice field %(name)s needs at least one option.", name=field.name))
        names = [f.name for f in model.fields]
        if len(names) != len(set(names)):
            raise ValidationError(_("Field keys must be unique within a stage."))
        targets = set(form.move_targets.data or [])
        valid = {s.id for s in db.session.query(Stage).filter(Stage.pipeline_id == model.pipeline_id)}
        if targets - valid:
            raise ValidationError(_("A stage can only move to stages of its own pipeline."))
        model.moves[:] = [m for m in model.moves if m.to_stage_id in targets]
        have = {m.to_stage_id for m in model.moves}
        for target in sorted(targets - have):
            model.moves.append(StageMove(to_stage_id=target))
