"""The task tracker: one column per stage, modal moves, live counts."""

import html
from datetime import timedelta

from flask import abort, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from admin_views.base import SecuredView, parse_id
from admin_views.cards.transactions import transactions_panel
from extensions import db
from models.cards.card import CARDS_PIPELINE, Card
from models.pipeline import Stage, StageMove, StageResponsible, StageTask
from realtime.rooms import board_room
from services import pipeline
from services.cards import board as card_board
from services.cards import card_numbers
from services.cards import choices as card_choices
from services.cards import operations as cards
from services.platform import people_choices, unit_of_work
from services.platform.timezones import format_local, to_local, user_zone


def _row_json(row, zone=None, now=None):
    """One task for the board; pass the zone and now when doing many rows (one look-up each). The
    row's columns are unpacked in their order (services.cards.board_statements.ROW_FIELDS): reading them
    by name cost more than the rest of the row's work."""
    task_id, _stage_id, deadline, _assignee_id, card_id, number, contact, phone, version, full_name, username = row
    return {
        "task_id": task_id,
        "card_id": card_id,
        "number": number,
        "contact": contact,
        "phone": phone,
        "assignee": full_name or username or "",
        "deadline": format_local(deadline, zone),
        "overdue": deadline < (now or _now()),
        "version": version,
        "cursor": card_board.cursor_text(deadline, task_id),
    }


# One task on the board. The page shows a first page of every column, and a Jinja macro call for
# each task cost more than the rest of the page together; the browser's `#task-template` is this
# same markup.
TASK_ITEM = (
    '<li class="task{overdue}" draggable="true" data-card-id="{card_id}" data-task-id="{task_id}" tabindex="0">\n'
    '  <div class="task-number">{number}</div>\n'
    '  <div class="task-contact">{contact}</div>\n'
    '  <div class="task-meta"><span class="task-assignee">{assignee}</span> · '
    '<span class="task-deadline">{deadline}</span></div>\n'
    "</li>"
)
EMPTY_TASK = dict.fromkeys(("card_id", "task_id", "number", "contact", "assignee", "deadline"), "")


def task_items(rows):
    # Markup of escaped values only: the texts go through html.escape (plain strings: markupsafe's
    # escape makes a Markup object of each value); the ids are numbers and the deadline is the
    # panel's own digits, or all of them "" (EMPTY_TASK).
    escape = html.escape
    return Markup(  # noqa: S704
        "".join(
            TASK_ITEM.format(
                overdue=" task-overdue" if row.get("overdue") else "",
                card_id=int(row["card_id"]) if row["card_id"] != "" else "",
                task_id=int(row["task_id"]) if row["task_id"] != "" else "",
                deadline=escape(row["deadline"]),
                number=escape(str(row["number"])),
                contact=escape(str(row["contact"])),
                assignee=escape(str(row["assignee"])),
            )
            for row in rows
        )
    )


MOVE_LOADS = (
    *(
        lazyload(relation)
        for relation in (Card.agent, Card.manager, Card.accountant, Card.bank, Card.contractor, Card.transactions)
    ),
    # The responsible people by id only; the stage with its fields and moves, the targets bare.
    selectinload(Card.responsibles).options(lazyload(StageResponsible.stage), lazyload(StageResponsible.user)),
    joinedload(Card.stage).options(
        selectinload(Stage.fields),
        selectinload(Stage.moves).joinedload(StageMove.to_stage).options(*pipeline.STAGE_ONLY),
    ),
)


def _modal_values():
    return {key[len("field.") :]: value for key, value in request.form.items() if key.startswith("field.")}


def _refused(error):
    return jsonify({"ok": False, "message": error.message, "errors": error.errors}), error.status


def _moved(result, message=None):
    """What the page needs of a move or step: which card, from and to which column, its version, and
    what to tell the person, if anything."""
    return jsonify(
        {
            "ok": True,
            "card_id": result.subject_id,
            "from": result.from_stage_id,
            "to": result.to_stage_id,
            "version": result.version,
            "message": message,
        }
    )


def _stays_until(result):
    """The step's word: the card stays, due by the end of the day its new task is due."""
    last_minute = to_local(result.opened.deadline - timedelta(minutes=1), user_zone())
    return _("Recorded. The card stays here, due by the end of %(day)s.", day=last_minute.date().isoformat())


def _now():
    from models.base import utcnow

    return utcnow()


class TrackerView(SecuredView):
    permission = "cards.view"

    def _filters(self):
        return card_board.BoardFilters.from_args(request.args)

    def _scoped_card(self, card_id, *options):
        card = cards.visible_card(current_user, card_id, *options)
        if card is None:
            abort(404)
        return card

    @expose("/")
    def index(self):
        masked = card_numbers.masked_in_args(request.args, "q")
        if masked is not None:
            return redirect(url_for(".index", **masked))
        filters = self._filters()
        stages = [s for s in pipeline.stage_labels(CARDS_PIPELINE).values() if not s.is_final]
        stage_ids = [stage.id for stage in stages]
        counts = card_board.counts(current_user, filters, stage_ids)
        zone, now = user_zone(), _now()
        limit = card_board.page_limit(None)
        pages = card_board.first_pages(current_user, stage_ids, filters, limit=limit, seen_counts=counts)
        columns = [
            (stage, [_row_json(r, zone, now) for r in pages[stage.id]], card_board.next_cursor(pages[stage.id], limit))
            for stage in stages
        ]
        return self.render(
            "admin/cards/tracker/board.html",
            columns=columns,
            counts=counts,
            filters=filters,
            room=board_room(current_user, CARDS_PIPELINE),
            agents=people_choices.board_people("agent"),
            managers=people_choices.board_people("manager"),
            banks=card_choices.all_banks(),
            task_items=task_items,
            empty_task=EMPTY_TASK,
            moves=pipeline.allowed_moves(CARDS_PIPELINE),
        )

    @expose("/counts")
    def counts(self):
        counts = card_board.counts(current_user, self._filters())
        return jsonify({str(k): v for k, v in counts.items()})

    @expose("/column/<id:stage_id>")
    def column(self, stage_id):
        after = card_board.parse_cursor(request.args["after"]) if request.args.get("after") else None
        if request.args.get("after") and after is None:
            return jsonify({"error": _("Bad page cursor.")}), 400
        limit = card_board.page_limit(after)
        rows = card_board.column(current_user, stage_id, self._filters(), after=after, limit=limit)
        zone, now = user_zone(), _now()
        return jsonify({"rows": [_row_json(r, zone, now) for r in rows], "next": card_board.next_cursor(rows, limit)})

    @expose("/card/<id:card_id>/modal")
    def modal(self, card_id):
        card = self._scoped_card(card_id)
        to_id = parse_id(request.args.get("to"))
        to_stage = db.session.get(Stage, to_id) if to_id is not None else None
        task = pipeline.open_task(card)
        targets = card.stage.allowed_targets
        # The select shows the target asked for, else the first one: its people are offered.
        target = to_stage if to_stage in targets else next(iter(targets), None)
        has_person_field = any(spec.type == "user" for spec in card.stage.fields)
        return self.render(
            "admin/cards/tracker/modal.html",
            card=card,
            stage=card.stage,
            task=task,
            targets=targets,
            to_stage=to_stage,
            may_move=pipeline.may_move(current_user, card, task),
            back_targets=card.stage.send_back_targets if pipeline.may_send_back(current_user, card) else [],
            # In a stage that takes transactions they are added and removed here too, each saved at once.
            panel=transactions_panel(card) if card.stage.transactions_allowed else None,
            model=card,
            people=pipeline.people_for(card, target) if target is not None and has_person_field else [],
            values=request.args,
            errors={},
            today=to_local(_now(), user_zone()).date().isoformat(),
        )

    def _engine_answer(self, card_id, act, told=None):
        """One of the engine's changes of the card, `act(card, version)`, as the entry point makes it:
        committed once, or refused with its message and nothing changed. A change reads the card's
        own columns, stage and responsibles: not its people (each with their role and memberships),
        directories or transactions, before or after the commit."""
        card = self._scoped_card(card_id, *MOVE_LOADS)
        try:
            result = act(card, parse_id(request.form.get("version")))
        except pipeline.MoveError as error:
            db.session.rollback()
            return _refused(error)
        message = told(result) if told else None
        unit_of_work.commit(keep=current_user)
        return _moved(result, message)

    @expose("/card/<id:card_id>/move", methods=["POST"])
    def move(self, card_id):
        to_id = parse_id(request.form.get("to_stage"))
        to_stage = db.session.get(Stage, to_id) if to_id is not None else None
        return self._engine_answer(
            card_id, lambda card, version: pipeline.move(card, to_stage, _modal_values(), current_user, version)
        )

    @expose("/card/<id:card_id>/step", methods=["POST"])
    def step(self, card_id):
        """The in-stage step of the card's stage (the bank check's "no answer yet")."""
        return self._engine_answer(
            card_id, lambda card, version: pipeline.step(card, _modal_values(), current_user, version), _stays_until
        )

    @expose("/card/<id:card_id>/undo", methods=["POST"])
    def undo(self, card_id):
        """The mover takes back his last move (services.pipeline.undo)."""
        return self._engine_answer(card_id, lambda card, version: pipeline.undo(card, current_user, version))

    @expose("/history/<id:card_id>")
    def history(self, card_id):
        card = self._scoped_card(card_id)
        tasks = db.session.scalars(
            select(StageTask)
            .where(StageTask.subject_type == "card", StageTask.subject_id == card.id)
            .order_by(StageTask.seq)
        ).all()
        people = pipeline.people_names(tasks, lambda task: task.stage.fields)
        rows = [(task, pipeline.entered_values(task.values, task.stage.fields, people)) for task in tasks]
        return self.render("admin/cards/tracker/history.html", card=card, rows=rows)
