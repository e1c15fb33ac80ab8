"""The clients' board: a column per working stage of the training pipeline, its count and its open
tasks by deadline in keyset pages, narrowed by the viewer's scope and the board's filters
(responsible, office, the responsible's department, how long the client has been in the stage)."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, func, or_, select

from extensions import db
from models.base import utcnow
from models.clients import Client
from models.pipeline import StageCount, StageTask
from models.platform.org import Membership
from models.platform.user import User
from services.clients.search import name_or_phone
from services.platform import access
from services.platform.cursors import cursor_text
from services.platform.errors import parse_id

FIRST_PAGE_SIZE = 20
PAGE_SIZE = 50
SEARCH_MAX = 64
STALE_CHOICES = (1, 3, 7, 14, 30)  # "in the stage for over N days"


@dataclass(frozen=True)
class BoardFilters:
    mine: bool = False
    responsible_id: int | None = None
    office_id: int | None = None
    department_id: int | None = None
    stale_days: int | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args):
        stale = parse_id(args.get("stale"))
        return cls(
            mine=args.get("mine") == "1",
            responsible_id=parse_id(args.get("responsible")),
            office_id=parse_id(args.get("office")),
            department_id=parse_id(args.get("department")),
            stale_days=stale if stale in STALE_CHOICES else None,
            q=" ".join((args.get("q") or "").split())[:SEARCH_MAX],
        )

    def as_args(self):
        args = {
            "mine": "1" if self.mine else None,
            "responsible": self.responsible_id,
            "office": self.office_id,
            "department": self.department_id,
            "stale": self.stale_days,
            "q": self.q,
        }
        return {key: value for key, value in args.items() if value}

    @property
    def on_the_clients(self):
        """Whether a filter reads the clients themselves (the counters do not carry it)."""
        return bool(self.office_id or self.department_id or self.stale_days or self.q)


def _client_conditions(filters):
    conditions = [Client.deleted_at.is_(None)]
    if filters.responsible_id:
        conditions.append(Client.responsible_id == filters.responsible_id)
    if filters.office_id:
        conditions.append(Client.office_id == filters.office_id)
    if filters.department_id:
        in_department = select(Membership.user_id).where(Membership.department_id == filters.department_id)
        conditions.append(Client.responsible_id.in_(in_department))
    if filters.stale_days:
        conditions.append(Client.stage_entered_at <= utcnow() - timedelta(days=filters.stale_days))
    if filters.q:
        conditions.append(name_or_phone(filters.q))
    return conditions


def _scope(user, scope_of):
    """The scope's condition (`scope_of(visible ids)` in the viewer's offices), or None for who sees
    every client; False for who sees none."""
    kind = access.scope_kind(user)
    if kind == "all":
        return None
    if kind == "none":
        return False
    return and_(scope_of(sorted(access.visible_set(user))), access.office_clause(user, Client))


def counts(user, stage_ids, filters=BoardFilters()):
    """{stage id: live clients the viewer sees there}, stages with none left out. Without a filter on
    the clients themselves, the trigger-kept counters' SUM (models.pipeline.subject.StageCount) for
    who sees every client; else the clients counted through ix_clients_board."""
    kind = access.scope_kind(user)
    if kind == "none":
        return {}
    if filters.mine:
        query = (
            select(StageTask.stage_id, func.count())
            .join(Client, and_(Client.id == StageTask.subject_id, StageTask.of_subject(Client.__subject_type__)))
            .where(StageTask.closed_at.is_(None), StageTask.assignee_id == user.id, StageTask.stage_id.in_(stage_ids))
            .where(*_client_conditions(filters))
            .group_by(StageTask.stage_id)
        )
        if kind == "narrow":
            query = query.where(_scope(user, Client.scope_clause))
    elif kind == "narrow":
        return _narrow_counts(user, stage_ids, filters)
    elif not filters.on_the_clients:
        responsible = StageCount.people()[0]  # the client's one slot: his responsible employee
        query = select(StageCount.stage_id, func.sum(StageCount.subjects)).where(StageCount.stage_id.in_(stage_ids))
        if filters.responsible_id:
            query = query.where(responsible == filters.responsible_id)
        query = query.group_by(StageCount.stage_id)
    else:
        query = select(Client.stage_id, func.count()).where(
            Client.stage_id.in_(stage_ids), *_client_conditions(filters)
        )
        query = query.group_by(Client.stage_id)
    return {stage_id: int(number) for stage_id, number in db.session.execute(query) if number}


def _narrow_counts(user, stage_ids, filters):
    """The scope's two branches (models.pipeline.subject.PipelineSubject.scope_clause) counted apart
    and added: the clients of a visible responsible employee, a walk of ix_clients_board that reads
    no client, and the few others a visible person was chosen for at a stage, by id. As one OR the
    planner reads every client on the board."""
    visible = sorted(access.visible_set(user))
    common = [Client.stage_id.in_(stage_ids), *_client_conditions(filters), access.office_clause(user, Client)]
    by_responsible = select(Client.stage_id, func.count()).where(*common, Client.responsible_id.in_(visible))
    named = Client.responsible_ids(visible)
    by_choice = select(Client.stage_id, func.count()).where(
        *common, Client.id.in_(named), func.coalesce(Client.responsible_id, 0).not_in(visible)
    )
    found = {}
    for query in (by_responsible, by_choice):
        for stage_id, number in db.session.execute(query.group_by(Client.stage_id)):
            found[stage_id] = found.get(stage_id, 0) + int(number)
    return found


def column(user, stage_id, filters=BoardFilters(), after=None, limit=PAGE_SIZE):
    """One page of a column: the open tasks of the stage whose client the viewer sees, by (deadline,
    task id), after the cursor `after` ((deadline, id)) if given."""
    scope = _scope(user, lambda visible: StageTask.scope_clause_for(Client, visible))
    if scope is False:
        return []
    query = (
        select(
            StageTask.id,
            StageTask.deadline,
            Client.id.label("client_id"),
            Client.full_name,
            Client.phone,
            Client.version,
            Client.stage_entered_at,
            func.coalesce(User.full_name, User.username).label("assignee"),
        )
        .select_from(StageTask)
        .join(Client, and_(Client.id == StageTask.subject_id, StageTask.of_subject(Client.__subject_type__)))
        .outerjoin(User, User.id == StageTask.assignee_id)
        .where(StageTask.closed_at.is_(None), StageTask.stage_id == stage_id, *_client_conditions(filters))
        .order_by(StageTask.deadline, StageTask.id)
        .limit(limit)
    )
    if filters.mine:
        query = query.where(StageTask.assignee_id == user.id)
    if scope is not None:
        query = query.where(scope)
    if after is not None:
        query = query.where(
            or_(StageTask.deadline > after[0], and_(StageTask.deadline == after[0], StageTask.id > after[1]))
        )
    return db.session.execute(query).all()


def page_limit(after):
    return FIRST_PAGE_SIZE if after is None else PAGE_SIZE


def next_cursor(rows, limit):
    return cursor_text(rows[-1].deadline, rows[-1].id) if rows and len(rows) == limit else None
