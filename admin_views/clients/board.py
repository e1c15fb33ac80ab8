"""The clients' board (/admin/clients/board/): a column per working stage of the training pipeline,
live counts, keyset pages, the engine's modal moves (admin_views/pipeline/board.py)."""

from flask import abort, jsonify, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from admin_views.pipeline.board import EMPTY_TASK, PipelineBoardView, task_items
from models.base import utcnow
from models.clients import CLIENTS_PIPELINE
from realtime.rooms import board_room
from services import pipeline
from services.clients import board as client_board
from services.clients import choices as client_choices
from services.clients import operations as clients
from services.platform import people_choices
from services.platform.cursors import parse_cursor
from services.platform.timezones import format_local, user_zone


def _row_json(row, zone, now):
    return {
        "task_id": row.id,
        "subject_id": row.client_id,
        "title": row.full_name,
        "detail": row.phone,
        "assignee": row.assignee or "",
        "deadline": format_local(row.deadline, zone),
        "overdue": row.deadline < now,
        "version": row.version,
    }


class ClientBoardView(PipelineBoardView):
    permission = "clients.view"

    def scoped_subject(self, subject_id, *options):
        client = clients.visible_client(current_user, subject_id, *options)
        if client is None:
            abort(404)
        return client

    def modal_title(self, client):
        return f"{client.full_name} {client.phone}".strip()

    def _filters(self):
        return client_board.BoardFilters.from_args(request.args)

    def _stages(self):
        return [stage for stage in pipeline.stage_labels(CLIENTS_PIPELINE).values() if not stage.is_final]

    @expose("/")
    def index(self):
        filters = self._filters()
        stages = self._stages()
        counts = client_board.counts(current_user, [stage.id for stage in stages], filters)
        zone, now, limit = user_zone(), utcnow(), client_board.FIRST_PAGE_SIZE
        columns = []
        for stage in stages:
            # An empty column is not walked: a narrow viewer's walk would read every task of the stage.
            rows = client_board.column(current_user, stage.id, filters, limit=limit) if counts.get(stage.id) else []
            columns.append((stage, [_row_json(row, zone, now) for row in rows], client_board.next_cursor(rows, limit)))
        return self.render(
            "admin/clients/board.html",
            columns=columns,
            counts=counts,
            filters=filters,
            room=board_room(current_user, CLIENTS_PIPELINE),
            people=people_choices.seen_by(current_user),
            offices=client_choices.offices_seen(current_user),
            departments=client_choices.departments_seen(current_user),
            stale_choices=client_board.STALE_CHOICES,
            task_items=task_items,
            empty_task=EMPTY_TASK,
            moves=pipeline.allowed_moves(CLIENTS_PIPELINE),
        )

    @expose("/counts")
    def counts(self):
        stage_ids = [stage.id for stage in self._stages()]
        return jsonify({str(k): v for k, v in client_board.counts(current_user, stage_ids, self._filters()).items()})

    @expose("/column/<id:stage_id>")
    def column(self, stage_id):
        after = parse_cursor(request.args["after"]) if request.args.get("after") else None
        if request.args.get("after") and after is None:
            return jsonify({"error": _("Bad page cursor.")}), 400
        limit = client_board.page_limit(after)
        rows = client_board.column(current_user, stage_id, self._filters(), after=after, limit=limit)
        zone, now = user_zone(), utcnow()
        return jsonify({"rows": [_row_json(r, zone, now) for r in rows], "next": client_board.next_cursor(rows, limit)})
