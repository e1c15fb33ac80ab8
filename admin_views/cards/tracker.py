"""The task tracker: one column per stage, modal moves, live counts."""

from flask import abort, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, lazyload, selectinload

from admin_views.cards.transactions import transactions_panel
from admin_views.pipeline.board import EMPTY_TASK, PipelineBoardView, task_items
from models.cards.card import CARDS_PIPELINE, Card
from models.pipeline import Stage, StageMove, StageResponsible
from realtime.rooms import board_room
from services import pipeline
from services.cards import board as card_board
from services.cards import card_numbers
from services.cards import choices as card_choices
from services.cards import operations as cards
from services.platform import people_choices
from services.platform.timezones import format_local, user_zone


def _row_json(row, zone=None, now=None):
    """One task for the board; pass the zone and now when doing many rows (one look-up each). The
    row's columns are unpacked in their order (services.cards.board_statements.ROW_FIELDS): reading them
    by name cost more than the rest of the row's work."""
    task_id, _stage_id, deadline, _assignee_id, card_id, number, contact, phone, version, full_name, username = row
    return {
        "task_id": task_id,
        "subject_id": card_id,
        "title": number,
        "detail": contact,
        "phone": phone,
        "assignee": full_name or username or "",
        "deadline": format_local(deadline, zone),
        "overdue": deadline < (now or _now()),
        "version": version,
        "cursor": card_board.cursor_text(deadline, task_id),
    }


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


def _now():
    from models.base import utcnow

    return utcnow()


class TrackerView(PipelineBoardView):
    permission = "cards.view"
    move_loads = MOVE_LOADS

    def _filters(self):
        return card_board.BoardFilters.from_args(request.args)

    def scoped_subject(self, subject_id, *options):
        card = cards.visible_card(current_user, subject_id, *options)
        if card is None:
            abort(404)
        return card

    def modal_title(self, card):
        return f"{card.number} — {card.contact_name}"

    def modal_extra(self, card):
        # In a stage that takes transactions they are added and removed here too, each saved at once.
        if not card.stage.transactions_allowed:
            return {}
        return {"extra_template": "admin/cards/_transactions.html", "panel": transactions_panel(card), "model": card}

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
