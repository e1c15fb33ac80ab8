"""Low-code pipeline editing (owner): stages, their field specs and allowed moves are data.
A change applies to the next move; nothing is cached."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import ValidationError

from admin_views.base import SecuredModelView
from extensions import db
from models.pipeline import FIELD_TYPES, Stage, StageField, StageMove
from models.pipeline.subject import SUBJECTS
from services.pipeline import spec, subjects
from services.platform.access import PERMISSIONS

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
    "subject_type": _l("What moves through it"),
    "view_permission": _l("Permission to open its board"),
    "move_permission": _l("Permission to move own and the team's"),
    "move_any_permission": _l("Permission to move any"),
    "step_label_uk": _l("In-stage step button (Ukrainian)"),
    "step_label_ru": _l("In-stage step button (Russian)"),
    "step_label_en": _l("In-stage step button (English)"),
    "move_conditions": _l("Conditions of moves: one “stage code: field=value” per line"),
}


def _permission_choices():
    return [(name, f"{name} — {description}") for name, description in PERMISSIONS.items()]


def _problems(problems):
    return "; ".join(f"{name}: {message}" for name, message in problems.items())


class PipelineView(SecuredModelView):
    permission = "pipelines.manage"
    manage_permission = "pipelines.manage"
    can_delete = False
    column_list = ("code", "name_uk", "name_ru", "name_en", "subject_type")
    form_columns = (
        "code",
        "name_uk",
        "name_ru",
        "name_en",
        "subject_type",
        "view_permission",
        "move_permission",
        "move_any_permission",
    )
    column_labels = LABELS
    column_formatters = {"subject_type": lambda view, context, model, name: subjects.label(model.subject_type)}
    form_overrides = {
        "subject_type": SelectField,
        "view_permission": SelectField,
        "move_permission": SelectField,
        "move_any_permission": SelectField,
    }
    form_args = {
        "subject_type": {"choices": lambda: [(code, str(subjects.label(code))) for code in sorted(SUBJECTS)]},
        "view_permission": {"choices": _permission_choices},
        "move_permission": {"choices": _permission_choices},
        "move_any_permission": {"choices": _permission_choices},
    }


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
        "step_label_uk",
        "step_label_ru",
        "step_label_en",
        "move_targets",
        "move_conditions",
        "back_targets",
        "fields",
    )
    form_choices = {"bucket": BUCKETS, "responsible_role": RESPONSIBLE_ROLES}
    form_extra_fields = {
        "move_targets": SelectMultipleField(_l("Allowed moves to"), coerce=int),
        "move_conditions": TextAreaField(LABELS["move_conditions"]),
        "back_targets": SelectMultipleField(_l("Moves back (owner and administrator only)"), coerce=int),
    }
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
                    "required_if",
                    "choices",
                    "books",
                    "books_on",
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
                    "required_if": _l("Asked when (field=value, or to=stage code)"),
                    "choices": _l("Choices: value|uk|ru|en per line"),
                    "books": _l("Books a transaction of type (money fields)"),
                    "books_on": _l("Dated by the field"),
                },
            },
        )
    ]

    def _fill_targets(self, form, model):
        stages = db.session.query(Stage).order_by(Stage.pipeline_id, Stage.position).all()
        form.move_targets.choices = [
            (s.id, f"{s.position}. {s.label}") for s in stages if model is None or s.id != model.id
        ]
        form.back_targets.choices = form.move_targets.choices

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
            form.move_targets.data = [move.to_stage_id for move in model.moves if not move.back]
            form.back_targets.data = [move.to_stage_id for move in model.moves if move.back]
            form.move_conditions.data = "\n".join(
                f"{move.to_stage.code}: {move.condition}" for move in model.moves if move.condition
            )

    def on_model_change(self, form, model, is_created):
        pipeline_stages = {s.code: s.id for s in db.session.query(Stage).filter(Stage.pipeline_id == model.pipeline_id)}
        targets = set(form.move_targets.data or [])
        target_codes = {code for code, stage_id in pipeline_stages.items() if stage_id in targets}
        problems = spec.check_fields(spec.field_dicts(model), target_codes)
        if problems:
            raise ValidationError(_problems(problems))
        conditions = self._conditions(form.move_conditions.data, pipeline_stages)
        if set(conditions) - targets:
            raise ValidationError(_("A condition must belong to one of the allowed moves."))
        back = set(form.back_targets.data or [])
        if back & targets:
            raise ValidationError(_("A stage cannot be both a move on and a move back."))
        moves = [(target, conditions.get(target)) for target in sorted(targets)]
        problems = spec.check_moves(
            set(pipeline_stages.values()), [*moves, *((target, None) for target in back)], spec.field_dicts(model)
        )
        if problems:
            raise ValidationError(_problems(problems))
        wanted = {target: (condition, False) for target, condition in moves} | dict.fromkeys(back, (None, True))
        model.moves[:] = [m for m in model.moves if m.to_stage_id in wanted]
        have = {m.to_stage_id: m for m in model.moves}
        for target, (condition, is_back) in wanted.items():
            if target in have:
                have[target].condition, have[target].back = condition, is_back
            else:
                model.moves.append(StageMove(to_stage_id=target, condition=condition, back=is_back))

    @staticmethod
    def _conditions(text, pipeline_stages):
        """{target stage id: condition} of the lines "stage code: field=value"."""
        conditions = {}
        for line in (text or "").splitlines():
            if not line.strip():
                continue
            code, _sep, condition = line.partition(":")
            if code.strip() not in pipeline_stages or not condition.strip():
                raise ValidationError(_("Write each condition as “stage code: field=value”."))
            conditions[pipeline_stages[code.strip()]] = condition.strip()
        return conditions
