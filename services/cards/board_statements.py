"""The tracker's statements, built once per shape and kept by the process.

A statement's shape is what changes its SQL: the kind of scope, which filters are set, a cursor or
none, the plan, the dialect. Everything else (the viewer's people, the stage, the filters' values,
the cursor's) is a parameter given at execution (params_of). Building one of these statements and
hashing it for SQLAlchemy's compiled cache cost ~1.5 ms of CPU a request, more than running it.
"""

from dataclasses import dataclass

from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    false,
    func,
    not_,
    or_,
    select,
    true,
    tuple_,
    union,
    union_all,
)

from models.cards.card import CARDS_PIPELINE, Card
from models.pipeline import Pipeline, Stage, StageCount, StageResponsible, StageTask
from models.platform.user import User
from services.cards import card_numbers, search
from services.platform import access, cache, database

_kept = cache.keyed("tracker statements by shape")  # a few hundred shapes at most: unbounded


@dataclass(frozen=True)
class Shape:
    scope: str  # "all", "narrow" (the visible people as a parameter) or "none"
    mine: bool = False
    agent: bool = False
    manager: bool = False
    bank: bool = False
    search: bool = False


def shape_of(user, filters):
    """user None: everyone's (the all-seeing board room)."""
    return Shape(
        "all" if user is None else access.scope_kind(user),
        mine=bool(filters.mine and user is not None),
        agent=bool(filters.agent_id),
        manager=bool(filters.manager_id),
        bank=bool(filters.bank_id),
        search=bool(filters.q),
    )


def params_of(user, filters, **values):
    params = {"agent_id": filters.agent_id, "manager_id": filters.manager_id, "bank_id": filters.bank_id}
    if filters.q:
        params.update(search_patterns(filters.q))
    if user is not None:
        params["viewer_id"] = user.id
        if access.has_narrow_scope(user):
            params["visible"] = sorted(access.visible_set(user))
    return params | values


def kept(build, *args):
    """build(*args), built on its first use in the process; `args` are the statement's shape. Its
    joins run in the order written (database.joins_as_written): that is the order they were tuned in."""
    key = (build.__name__, *args)
    statement = _kept.get(key)
    return statement if statement is not None else _kept.value_of(key, lambda: database.joins_as_written(build(*args)))


def _visible():
    return bindparam("visible", expanding=True)


def _after():
    return tuple_(StageTask.deadline, StageTask.id) > tuple_(
        bindparam("after_deadline", type_=StageTask.__table__.c.deadline.type), bindparam("after_id", type_=Integer())
    )


def _task_in_scope(visible):
    return StageTask.scope_clause_for(Card, visible)


def board_stages():
    return select(Stage.id).join(Pipeline).where(Pipeline.code == CARDS_PIPELINE, Stage.is_final.is_(False))


def _scope_and_people(shape, in_scope, agent, manager):
    """The scope (`in_scope(visible)`) and the agent and manager filters, on the given columns."""
    conditions = []
    if shape.scope == "narrow":
        conditions.append(in_scope(_visible()))
    elif shape.scope == "none":
        conditions.append(false())
    if shape.agent:
        conditions.append(agent == bindparam("agent_id"))
    if shape.manager:
        conditions.append(manager == bindparam("manager_id"))
    return conditions


def _live_card(shape):
    conditions = [Card.deleted_at.is_(None)]
    if shape.bank:
        conditions.append(Card.bank_id == bindparam("bank_id"))
    if shape.search:
        conditions.append(
            or_(
                card_numbers.COMPACT_NUMBER.like(bindparam("q_number"), escape="\\"),
                Card.number_hash == bindparam("q_hash"),
                Card.contact_name.ilike(bindparam("q_name"), escape="\\"),
                Card.contact_phone.ilike(bindparam("q_phone"), escape="\\"),
            )
        )
    return conditions


def search_patterns(term):
    """The board's search box: any part of the number, of the contact's name in any case, or of the
    phone however typed (services.cards.search)."""
    name, phone = search.contact_patterns(term)
    compact = card_numbers.searched(term)
    return {
        "q_number": search.containing(compact) if compact else None,
        "q_hash": card_numbers.full_number_hash(compact) if compact else None,
        "q_name": name,
        "q_phone": phone,
    }


def card_conditions(shape):
    """Live cards the viewer may see, narrowed by the board's card filters."""
    return [*_live_card(shape), *_scope_and_people(shape, Card.scope_clause, Card.agent_id, Card.manager_id)]


def open_tasks(shape):
    """FROM/WHERE shared by counts and pages: open card tasks the viewer may see. The scope and the
    people filters read the task's copy of its card's people; the rest reads the card."""
    joined = StageTask.__table__.join(
        Card.__table__, and_(Card.id == StageTask.subject_id, StageTask.of_subject(Card.__subject_type__))
    )
    # The walk filters ix_stage_tasks_open_people's entries without looking up their cards.
    agent, manager = StageTask.person_1_id, StageTask.person_2_id  # the card's slots: agent, manager, accountant
    people = _scope_and_people(shape, _task_in_scope, agent, manager)
    conditions = [StageTask.closed_at.is_(None), *_live_card(shape), *people]
    if shape.mine:
        conditions.append(StageTask.assignee_id == bindparam("viewer_id"))
    return joined, conditions


def my_counts(shape):
    """ "Mine", a condition on the task, joins the open tasks (selective by the assignee index)."""
    joined, conditions = open_tasks(shape)
    return select(StageTask.stage_id, func.count()).select_from(joined).where(*conditions).group_by(StageTask.stage_id)


def bank_counts(shape):
    """A bank filter, which the counters do not carry, counts the cards from the covering index
    ix_cards_board. The stages as values, not a subquery: the planner then sees that they are the
    10% on the board."""
    on_board = Card.stage_id.in_(bindparam("stage_ids", expanding=True))
    return select(Card.stage_id, func.count()).where(on_board, *card_conditions(shape)).group_by(Card.stage_id)


def counter_counts(shape, listed, on_postgres):
    """The counters' SUM per stage, narrowed like card_conditions; `listed`: the stages are given
    ("stage_ids"), else the board's. Not for the "none" scope (it sees nothing).

    The scope (models.cards.card.Card.scope_clause) is an OR: agent, manager or accountant among the
    visible people, or a visible person responsible for a stage of the card. The first three are
    columns of the counters, so that part is a SUM; the cards seen only through a responsible
    person (none of the three visible) are counted live and added: few, found from the visible
    people's stage_responsibles rows whose card is on the board (subject_stage_id), then by id."""
    on_board = bindparam("stage_ids", expanding=True) if listed else board_stages()
    counter = StageCount
    agent, manager, accountant = counter.people()  # the card's slots
    conditions = [counter.stage_id.in_(on_board)]
    if shape.agent:
        conditions.append(agent == bindparam("agent_id"))
    if shape.manager:
        conditions.append(manager == bindparam("manager_id"))
    if shape.scope == "all":
        return select(counter.stage_id, func.sum(counter.subjects)).where(*conditions).group_by(counter.stage_id)
    # The people as values, not a subquery: index conditions for the responsibles, plain filters here.
    visible = _visible()
    conditions.append(or_(*(column.in_(visible) for column in (agent, manager, accountant))))
    by_columns = select(counter.stage_id, func.sum(counter.subjects)).where(*conditions).group_by(counter.stage_id)
    live = [
        Card.deleted_at.is_(None),
        Card.stage_id.in_(on_board),
        not_(or_(*(func.coalesce(column, 0).in_(visible) for column in Card.scope_people()))),
    ]
    if shape.agent:
        live.append(Card.agent_id == bindparam("agent_id"))
    if shape.manager:
        live.append(Card.manager_id == bindparam("manager_id"))
    # From the visible people's responsibles for cards now on the board (subject_stage_id, kept by
    # triggers, skips their archived cards) to those cards by id; a card may name several of them.
    named = (
        select(StageResponsible.subject_id.label("card_id"))
        .where(StageResponsible.user_id.in_(visible), StageResponsible.subject_stage_id.in_(on_board))
        .distinct()
        .subquery("named")
    )
    if on_postgres:
        # A look-up by id per named card: left to itself the planner, misjudging the NOT, scans the
        # whole board. (LIMIT 1 — one card per id anyway — keeps the LATERAL from being flattened.)
        card = select(Card.stage_id).where(Card.id == named.c.card_id, *live).limit(1).lateral("card")
        by_responsible = select(card.c.stage_id, func.count()).select_from(named.join(card, true()))
        by_responsible = by_responsible.group_by(card.c.stage_id)
    else:
        by_responsible = select(Card.stage_id, func.count()).join(named, named.c.card_id == Card.id).where(*live)
        by_responsible = by_responsible.group_by(Card.stage_id)
    return union_all(by_columns, by_responsible)


TASK_COLUMNS = (StageTask.id, StageTask.stage_id, StageTask.deadline, StageTask.assignee_id)
# A board row's columns, in this order in every page statement (the tracker unpacks them).
ROW_FIELDS = (
    "id",
    "stage_id",
    "deadline",
    "assignee_id",
    "card_id",
    "number",
    "contact_name",
    "contact_phone",
    "version",
    "full_name",
    "username",
)
CARD_COLUMNS = (
    Card.id.label("card_id"),
    Card.number,
    Card.contact_name,
    Card.contact_phone,
    Card.version,
    User.full_name,
    User.username,
)


def walked_page(shape, stage_id, after, limit):
    """A column page ordered by (deadline, task id), walking the stage's open tasks in that order and
    keeping those whose card the viewer may see: for a viewer who sees a share f of the stage, about
    `limit / f` tasks. `stage_id`: the board's column inside its LATERAL, else the "stage_id"
    parameter; `after`: whether the page starts after a cursor ("after_deadline", "after_id")."""
    joined, conditions = open_tasks(shape)
    joined = joined.outerjoin(User.__table__, User.id == StageTask.assignee_id)
    conditions.append(StageTask.stage_id == stage_id)
    if after:
        conditions.append(_after())
    return (
        select(*TASK_COLUMNS, *CARD_COLUMNS)
        .select_from(joined)
        .where(*conditions)
        .order_by(StageTask.deadline, StageTask.id)
        .limit(limit)
    )


def driven_page(shape, stage_id, after, limit, on_postgres):
    """The page from the viewer's cards on the stage: found by (stage, person) in ix_cards_board and
    by subject_stage_id among the responsibles, narrowed by the filters there; then their open tasks (a
    live card on a working stage has exactly one, on that stage), sorted; only the page's cards and
    assignees are read in full. As many rows as he has cards on the stage. For a narrow scope only."""
    visible = _visible()
    wanted = (
        Card.stage_id == stage_id,
        *card_conditions(Shape("all", agent=shape.agent, manager=shape.manager, bank=shape.bank, search=shape.search)),
    )
    seen = union(
        *(
            select(Card.id.label("card_id")).where(*wanted, column.in_(visible)).correlate_except(Card)
            for column in Card.scope_people()
        ),
        select(StageResponsible.subject_id)
        .join(Card, Card.id == StageResponsible.subject_id)
        .where(StageResponsible.user_id.in_(visible), StageResponsible.subject_stage_id == stage_id, *wanted)
        .correlate_except(StageResponsible, Card),
    )
    # Inside the board's LATERAL (PostgreSQL) the stage is the outer row's: LATERAL lets the union see it.
    seen = seen.lateral("seen") if on_postgres else seen.subquery("seen")
    conditions = [StageTask.closed_at.is_(None), StageTask.stage_id == stage_id]
    if shape.mine:
        conditions.append(StageTask.assignee_id == bindparam("viewer_id"))
    if after:
        conditions.append(_after())
    top = (
        select(*TASK_COLUMNS, StageTask.subject_id.label("subject_id"))
        .select_from(
            seen.join(
                StageTask,
                and_(StageTask.subject_id == seen.c.card_id, StageTask.subject_type == Card.__subject_type__),
            )
        )
        .where(*conditions)
        .order_by(StageTask.deadline, StageTask.id)
        .limit(limit)
    )
    top = top.correlate_except(StageTask, seen).lateral("top") if on_postgres else top.subquery("top")
    return (
        select(top.c.id, top.c.stage_id, top.c.deadline, top.c.assignee_id, *CARD_COLUMNS)
        .select_from(
            top.join(Card, Card.id == top.c.subject_id).outerjoin(User.__table__, User.id == top.c.assignee_id)
        )
        .order_by(top.c.deadline, top.c.id)
    )


def column_page(shape, after, limit, drive, on_postgres):
    """One column's page, the stage being the "stage_id" parameter."""
    stage_id = bindparam("stage_id", type_=Integer())
    if drive:
        return driven_page(shape, stage_id, after, limit, on_postgres)
    return walked_page(shape, stage_id, after, limit)


def board_pages(shape, limit, drive):
    """The first page of each of the "group" stages, as a LATERAL subquery per stage (PostgreSQL)."""
    board = select(Stage.id.label("board_stage_id")).where(Stage.id.in_(bindparam("group", expanding=True)))
    board = board.subquery("board")
    if drive:
        page = driven_page(shape, board.c.board_stage_id, False, limit, True)
    else:
        page = walked_page(shape, board.c.board_stage_id, False, limit)
    page = page.lateral("page")
    return select(page).select_from(board.join(page, true())).order_by(page.c.stage_id, page.c.deadline, page.c.id)
