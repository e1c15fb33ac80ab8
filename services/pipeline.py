"""The pipeline engine. Nothing here knows about cards: a subject is any model with `id`,
`version`, `stage`/`stage_id`, `stage_entered_at`, `bucket`, `__subject_type__` and
`responsible_for(stage)`.

A move is one transaction: allowed move? policy? fresh version? values valid for the stage's
field spec? → close the open stage task with the values, open the next one, audit, commit, then
one small realtime event.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.exc import StaleDataError

from extensions import db
from models.base import current_language, utcnow
from models.org import Membership, Position
from models.pipeline import Pipeline, Stage, StageField, StageTask, choice_pairs
from models.user import Role, User
from services import access, dates, money
from services.errors import parse_id
from services.kept import per_version

# A stage for its name, colour and settings only: its modal fields and moves (selectin by default,
# two queries, more through the moves' target stages) are left to load if something reads them.
STAGE_ONLY = (lazyload(Stage.fields), lazyload(Stage.moves))

CARDS = "cards"  # the cards pipeline's code


def _board(pipeline_id):
    """The condition for a pipeline's stages: the given one, or the cards pipeline."""
    return Stage.pipeline_id == pipeline_id if pipeline_id else Pipeline.code == CARDS


class StageLabel(NamedTuple):
    """A stage's name, colour and settings as the pages show them, kept by the process."""

    id: int
    pipeline_id: int
    code: str
    position: int
    responsible_role: str
    color: str
    bucket: str
    is_final: bool
    name_uk: str
    name_ru: str
    name_en: str

    @property
    def label(self):
        return getattr(self, f"name_{current_language()}", None) or self.name_uk

    def __str__(self):
        return self.label


def stage_labels(pipeline_id=None):
    """{stage id: StageLabel} of a pipeline (by default the cards pipeline) in position order, kept
    per version of the 'directories' signal (services.kept): no query once kept."""

    def load():
        columns = [getattr(Stage, name) for name in StageLabel._fields]
        rows = db.session.execute(select(*columns).join(Pipeline).where(_board(pipeline_id)).order_by(Stage.position))
        return MappingProxyType({row.id: StageLabel(*row) for row in rows})

    return per_version(f"stages of {pipeline_id or CARDS}", load)


class FieldLabel(NamedTuple):
    """A stage's modal field as the pages show the values entered in it, kept by the process."""

    name: str
    type: str
    label_uk: str
    label_ru: str
    label_en: str
    choices: str | None

    @property
    def label(self):
        return getattr(self, f"label_{current_language()}", None) or self.label_uk

    def choice_list(self):
        return choice_pairs(self.choices)


def stage_fields(pipeline_id=None):
    """{stage id: (FieldLabel, …) in the modal's order} of a pipeline's stages that have fields (by
    default the cards pipeline), kept per version of the 'directories' signal like stage_labels."""

    def load():
        columns = [getattr(StageField, name) for name in FieldLabel._fields]
        rows = db.session.execute(
            select(StageField.stage_id, *columns)
            .join(Stage, Stage.id == StageField.stage_id)
            .join(Pipeline)
            .where(_board(pipeline_id))
            .order_by(StageField.stage_id, StageField.position, StageField.id)
        )
        fields = {}
        for stage_id, *values in rows:
            fields.setdefault(stage_id, []).append(FieldLabel(*values))
        return MappingProxyType({stage_id: tuple(specs) for stage_id, specs in fields.items()})

    return per_version(f"stage fields of {pipeline_id or CARDS}", load)


class MoveError(Exception):
    """A refused move; `errors` maps field names to messages for the modal."""

    def __init__(self, message, errors=None, status=400):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.status = status


@dataclass
class MoveResult:
    subject: object
    from_stage: Stage
    to_stage: Stage
    closed: StageTask
    opened: StageTask | None
    values: dict = field(default_factory=dict)
    # As committed, read before the commit expired the objects above: what the realtime event and
    # the answer need, without reloading the subject, its stages and the pipeline.
    subject_id: int | None = None
    version: int | None = None
    from_stage_id: int | None = None
    to_stage_id: int | None = None
    pipeline_code: str | None = None
    # The ids of the subject's people whose visibility makes it visible: who may hear of the move.
    people: frozenset = frozenset()


TRUE_WORDS = {"1", "true", "on", "yes", "y"}


def _parse(spec, raw, subject, to_stage):
    """(value for JSON, error message or None) for one field of the spec, in a move of `subject`
    to `to_stage`."""
    from flask_babel import gettext as _

    text = "" if raw is None else str(raw).strip()
    if spec.type == "bool":
        value = text.lower() in TRUE_WORDS
        if spec.required and not value:
            return None, _("Confirm this step.")
        return value, None
    if not text:
        return None, (_("Required.") if spec.required else None)
    if len(text) > 2000:
        return None, _("Too long.")
    if spec.type == "text":
        return text, None
    if spec.type in ("number", "money"):
        try:
            return format(money.parse_money(text), "f"), None
        except money.MoneyError:
            return None, _("Enter an amount, e.g. 1250.50.")
    if spec.type == "date":
        try:
            return dates.parse_date(text).isoformat(), None
        except dates.DateError as error:
            return None, str(error.message)
    if spec.type == "choice":
        allowed = {value for value, _label in spec.choice_list()}
        return (text, None) if text in allowed else (None, _("Choose one of the options."))
    if spec.type == "user":
        person_id = parse_id(text)
        user = db.session.get(User, person_id, options=[lazyload("*")]) if person_id else None
        if user is None or not user.is_active:
            return None, _("Choose an active person.")
        if not may_take(user, subject, to_stage):
            return None, _("Choose one of the people offered for the next stage.")
        return user.id, None
    return None, _("Unknown field type.")


def validate(stage, raw_values, subject, to_stage):
    """The values of `stage`'s modal fields for a move of `subject` to `to_stage`: (clean, errors)."""
    clean, errors = {}, {}
    for spec in stage.fields:
        value, error = _parse(spec, raw_values.get(spec.name), subject, to_stage)
        if error:
            errors[spec.name] = error
        elif value is not None:
            clean[spec.name] = value
    return clean, errors


def open_task(subject, *options):
    return db.session.scalar(
        select(StageTask)
        .where(
            StageTask.subject_type == subject.__subject_type__,
            StageTask.subject_id == subject.id,
            StageTask.closed_at.is_(None),
        )
        .options(*options)
    )


def holds_role(person, role_code):
    """Whether the person holds this role: as his own role or as the code of one of his positions."""
    if person.role is not None and person.role.code == role_code:
        return True
    return any(m.position is not None and m.position.code == role_code for m in person.memberships)


def may_take(person, subject, stage, watchers=None):
    """Whether `person` may be chosen in a person field of a move of `subject` to `stage` (the
    "next responsible" takes the task that opens there): active, holding the stage's responsible
    role, and allowed by the policy to act on the subject — he sees it and may move its tasks.
    The one rule of both the modal's options (people_for) and the move's check (validate).
    `watchers`: access.watchers_of the subject's people, when the caller has them already."""
    if person is None or stage is None or not person.is_active:
        return False
    if not holds_role(person, stage.responsible_role) or not access.can(person, "cards.view"):
        return False
    if access.scope_level(person) != "all":
        if watchers is None:
            watchers = access.watchers_of(subject.scope_people_ids())
        if person.id not in watchers:
            return False
    return access.can(person, "cards.move") or access.can(person, "cards.move_any")


def people_for(subject, stage):
    """The people a person field offers for a move of `subject` to `stage`, by name: everyone
    may_take accepts (the holders of the stage's role in one query, who sees the subject in one)."""
    role = stage.responsible_role
    holders = (
        select(User)
        .where(
            User.deleted_at.is_(None),
            User.is_blocked.is_(False),
            User.role.has(Role.code == role) | User.memberships.any(Membership.position.has(Position.code == role)),
        )
        .order_by(User.full_name, User.username)
    )
    watchers = access.watchers_of(subject.scope_people_ids())
    return [person for person in db.session.scalars(holders) if may_take(person, subject, stage, watchers)]


def may_move(user, subject, task):
    """The task's person, a leader above him, or whoever may move any card (owner, admin)."""
    if access.can(user, "cards.move_any"):
        return True
    if not access.can(user, "cards.move"):
        return False
    assignee = task.assignee_id if task else None
    if assignee == user.id:
        return True
    return assignee is not None and assignee in access.subordinate_set(user)


def _deadline(stage, start=None):
    return (start or utcnow()) + timedelta(days=max(stage.deadline_days, 0))


def start(subject, stage, by=None):
    """Put a new subject on its first stage with its first task."""
    subject.stage = stage
    subject.stage_id = stage.id
    subject.bucket = stage.bucket
    subject.stage_entered_at = utcnow()
    db.session.flush()
    task = StageTask(
        subject_type=subject.__subject_type__,
        subject_id=subject.id,
        seq=1,
        stage_id=stage.id,
        assignee_id=subject.responsible_for(stage),
        deadline=_deadline(stage),
    )
    db.session.add(task)
    return task


def move(subject, to_stage, values, by, expected_version):
    """Move `subject` to `to_stage` with the modal's `values`. Raises MoveError; commits on success."""
    from flask_babel import gettext as _

    from_stage = subject.stage
    if expected_version is None or int(expected_version) != subject.version:
        raise MoveError(_("This card was changed by someone else — reload."), status=409)
    if to_stage is None or to_stage.id not in {t.id for t in from_stage.allowed_targets}:
        raise MoveError(_("This move is not allowed from the current stage."), status=400)
    # The move reads the task's own columns, not its stage and person (with their eager relations).
    task = open_task(subject, lazyload(StageTask.stage), lazyload(StageTask.assignee))
    if task is not None and task.stage_id != from_stage.id:
        # Moved by someone else since this subject was loaded: the open task is already the next one.
        raise MoveError(_("This card was changed by someone else — reload."), status=409)
    if not may_move(by, subject, task):
        raise MoveError(_("You may not move this card."), status=403)
    clean, errors = validate(from_stage, values, subject, to_stage)
    if errors:
        raise MoveError(_("Check the highlighted fields."), errors=errors, status=422)
    now = utcnow()
    if task is not None:
        task.closed_at = now
        task.closed_by_id = by.id
        task.values = clean
        task.moved_to_stage_id = to_stage.id
    subject.stage = to_stage
    subject.stage_id = to_stage.id
    subject.bucket = to_stage.bucket
    subject.stage_entered_at = now
    if hasattr(subject, "apply_stage_values"):
        subject.apply_stage_values(from_stage, clean)
    opened = None
    if not to_stage.is_final:
        opened = StageTask(
            subject_type=subject.__subject_type__,
            subject_id=subject.id,
            seq=(task.seq + 1) if task else 1,
            stage_id=to_stage.id,
            # A "next responsible" entered in the modal takes the next task.
            assignee_id=clean.get("next_responsible") or subject.responsible_for(to_stage),
            deadline=_deadline(to_stage, now),
        )
        db.session.add(opened)
    try:
        db.session.flush()
        committed = {
            "subject_id": subject.id,
            "version": getattr(subject, "version", None),
            "from_stage_id": from_stage.id,
            "to_stage_id": to_stage.id,
            "pipeline_code": db.session.scalar(select(Pipeline.code).where(Pipeline.id == to_stage.pipeline_id)),
            "people": subject.scope_people_ids(),
        }
        _commit_keeping(by)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise MoveError(_("This card was changed by someone else — reload."), status=409) from None
    result = MoveResult(
        subject=subject,
        from_stage=from_stage,
        to_stage=to_stage,
        closed=task,
        opened=opened,
        values=clean,
        **committed,
    )
    for listener in _listeners:
        listener(result)
    return result


def _commit_keeping(user):
    """Commit, expiring every object as usual except the acting user: the move changed nothing of
    his, and the rest of the request (the log line, the headers) would otherwise reload him with
    his role, permissions and memberships."""
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user  # current_user
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    for obj in list(session.identity_map.values()):
        if obj is not user:
            session.expire(obj)


_listeners = []


def on_move(listener):
    """Register a callable run after every committed move (realtime events, caches)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener
