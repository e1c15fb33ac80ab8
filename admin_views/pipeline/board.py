"""What every pipeline's board page does with one subject, whatever the subject: the move modal, the
move, the in-stage step, the undo and the stage history. A board (the cards' tracker, the clients'
board) says how it finds a subject in the viewer's scope and what its modal shows besides."""

import html
from datetime import timedelta

from flask import jsonify, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from admin_views.base import SecuredView, parse_id
from extensions import db
from models.pipeline import Stage, StageTask
from services import pipeline
from services.platform import unit_of_work
from services.platform.timezones import to_local, user_zone

# One task on the board. The page shows a first page of every column, and a Jinja macro call for
# each task cost more than the rest of the page together; the browser's `#task-template` is this
# same markup.
TASK_ITEM = (
    '<li class="task{overdue}" draggable="true" data-subject-id="{subject_id}" data-task-id="{task_id}" tabindex="0">\n'
    '  <div class="task-title">{title}</div>\n'
    '  <div class="task-detail">{detail}</div>\n'
    '  <div class="task-meta"><span class="task-assignee">{assignee}</span> · '
    '<span class="task-deadline">{deadline}</span></div>\n'
    "</li>"
)
EMPTY_TASK = dict.fromkeys(("subject_id", "task_id", "title", "detail", "assignee", "deadline"), "")


def task_items(rows):
    # Markup of escaped values only: the texts go through html.escape (plain strings: markupsafe's
    # escape makes a Markup object of each value); the ids are numbers and the deadline is the
    # panel's own digits, or all of them "" (EMPTY_TASK).
    escape = html.escape
    return Markup(  # noqa: S704
        "".join(
            TASK_ITEM.format(
                overdue=" task-overdue" if row.get("overdue") else "",
                subject_id=int(row["subject_id"]) if row["subject_id"] != "" else "",
                task_id=int(row["task_id"]) if row["task_id"] != "" else "",
                deadline=escape(row["deadline"]),
                title=escape(str(row["title"])),
                detail=escape(str(row["detail"])),
                assignee=escape(str(row["assignee"])),
            )
            for row in rows
        )
    )


def modal_values():
    return {key[len("field.") :]: value for key, value in request.form.items() if key.startswith("field.")}


def refused(error):
    return jsonify({"ok": False, "message": error.message, "errors": error.errors}), error.status


def moved(result, message=None):
    """What the page needs of a move or step: which subject, from and to which column, its version,
    and what to tell the person, if anything."""
    return jsonify(
        {
            "ok": True,
            "subject_id": result.subject_id,
            "from": result.from_stage_id,
            "to": result.to_stage_id,
            "version": result.version,
            "message": message,
        }
    )


def _now():
    from models.base import utcnow

    return utcnow()


class PipelineBoardView(SecuredView):
    """Subclasses set `modal_title(subject)` and `scoped_subject(id, *options)` (404 outside the scope),
    and may add to the modal (`modal_extra`) and narrow what a move loads (`move_loads`)."""

    move_loads = ()
    modal_template = "admin/pipeline/modal.html"
    history_template = "admin/pipeline/history.html"

    def scoped_subject(self, subject_id, *options):
        raise NotImplementedError

    def modal_title(self, subject):
        raise NotImplementedError

    def modal_extra(self, subject):
        """More for the modal's template: {"extra_template": ..., its values}."""
        return {}

    @expose("/<id:subject_id>/modal")
    def modal(self, subject_id):
        subject = self.scoped_subject(subject_id)
        to_id = parse_id(request.args.get("to"))
        to_stage = db.session.get(Stage, to_id) if to_id is not None else None
        task = pipeline.open_task(subject)
        targets = subject.stage.allowed_targets
        # The select shows the target asked for, else the first one: its people are offered.
        target = to_stage if to_stage in targets else next(iter(targets), None)
        has_person_field = any(spec.type == "user" for spec in subject.stage.fields)
        return self.render(
            self.modal_template,
            subject=subject,
            title=self.modal_title(subject),
            stage=subject.stage,
            task=task,
            targets=targets,
            to_stage=to_stage,
            may_move=pipeline.may_move(current_user, subject, task),
            back_targets=subject.stage.send_back_targets if pipeline.may_send_back(current_user, subject) else [],
            people=pipeline.people_for(subject, target) if target is not None and has_person_field else [],
            values=request.args,
            errors={},
            today=to_local(_now(), user_zone()).date().isoformat(),
            **self.modal_extra(subject),
        )

    def _engine_answer(self, subject_id, act, told=None):
        """One of the engine's changes of the subject, `act(subject, version)`, as the entry point
        makes it: committed once, or refused with its message and nothing changed."""
        subject = self.scoped_subject(subject_id, *self.move_loads)
        try:
            result = act(subject, parse_id(request.form.get("version")))
        except pipeline.MoveError as error:
            db.session.rollback()
            return refused(error)
        message = told(result) if told else None
        unit_of_work.commit(keep=current_user)
        return moved(result, message)

    @expose("/<id:subject_id>/move", methods=["POST"])
    def move(self, subject_id):
        to_id = parse_id(request.form.get("to_stage"))
        to_stage = db.session.get(Stage, to_id) if to_id is not None else None
        return self._engine_answer(
            subject_id, lambda subject, version: pipeline.move(subject, to_stage, modal_values(), current_user, version)
        )

    @expose("/<id:subject_id>/step", methods=["POST"])
    def step(self, subject_id):
        """The in-stage step of the subject's stage (the bank check's "no answer yet")."""
        return self._engine_answer(
            subject_id,
            lambda subject, version: pipeline.step(subject, modal_values(), current_user, version),
            self._stays_until,
        )

    def _stays_until(self, result):
        last_minute = to_local(result.opened.deadline - timedelta(minutes=1), user_zone())
        return _("Recorded. It stays here, due by the end of %(day)s.", day=last_minute.date().isoformat())

    @expose("/<id:subject_id>/undo", methods=["POST"])
    def undo(self, subject_id):
        """The mover takes back his last move (services.pipeline.undo)."""
        return self._engine_answer(subject_id, lambda subject, version: pipeline.undo(subject, current_user, version))

    @expose("/<id:subject_id>/history")
    def history(self, subject_id):
        subject = self.scoped_subject(subject_id)
        tasks = db.session.scalars(
            select(StageTask)
            .where(StageTask.subject_type == subject.__subject_type__, StageTask.subject_id == subject.id)
            .order_by(StageTask.seq)
        ).all()
        people = pipeline.people_names(tasks, lambda task: task.stage.fields)
        rows = [(task, pipeline.entered_values(task.values, task.stage.fields, people)) for task in tasks]
        return self.render(self.history_template, subject=subject, title=self.modal_title(subject), rows=rows)
