"""The access policy: permissions from roles and positions, record scope, deny by default."""

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from extensions import db
from models.base import utcnow
from models.platform.user import User
from services.platform import access
from tests.factories.platform import make_office, make_user, place


def visible(user):
    """Ids of the people `user` sees through `scope` (the query every list page runs)."""
    return set(db.session.scalars(access.scope(user, select(User.id), User)))


@pytest.fixture
def org():
    """Two offices. Kyiv: office head; manager → supervisor → agent; peer manager → peer agent.
    Lviv: its own manager and agent. Plus an owner and an administrator outside the tree."""
    kyiv, lviv = make_office("Kyiv"), make_office("Lviv")
    p = {
        "owner": make_user("owner", "owner"),
        "admin": make_user("admin", "administrator"),
        "officehead": make_user("officehead"),
        "manager": make_user("manager", "manager"),
        "supervisor": make_user("supervisor"),
        "agent": make_user("agent", "agent"),
        "peer": make_user("peer", "manager"),
        "peer_agent": make_user("peer_agent", "agent"),
        "lviv_manager": make_user("lviv_manager", "manager"),
        "lviv_agent": make_user("lviv_agent", "agent"),
    }
    place(p["officehead"], kyiv, "office_head")
    boss = place(p["manager"], kyiv, "head_of_department")
    middle = place(p["supervisor"], kyiv, "supervisor", boss=boss)
    place(p["agent"], kyiv, "employee", boss=middle)
    place(p["peer_agent"], kyiv, "employee", boss=place(p["peer"], kyiv, "head_of_department"))
    place(p["lviv_agent"], lviv, "employee", boss=place(p["lviv_manager"], lviv, "head_of_department"))
    return p


def ids(org, *names):
    return {org[name].id for name in names}


def test_permissions_come_from_the_role_and_from_position_profiles(org):
    assert access.can(org["agent"], "cards.view")
    assert not access.can(org["agent"], "staff.manage")
    # No Part A role at all: the office_head position's profile grants team rights and office scope.
    assert access.can(org["officehead"], "team.manage")
    assert access.can(org["officehead"], "scope.office")
    assert not access.can(org["officehead"], "cards.view")


def test_an_unknown_permission_is_an_error_not_a_silent_no(org):
    with pytest.raises(ValueError):
        access.can(org["owner"], "cards.destroy_everything")


def test_agent_without_subordinates_sees_only_himself(org):
    assert access.scope_level(org["agent"]) == "subordinates"
    assert visible(org["agent"]) == ids(org, "agent")


def test_leader_sees_himself_and_everyone_below_him(org):
    assert visible(org["manager"]) == ids(org, "manager", "supervisor", "agent")
    assert visible(org["supervisor"]) == ids(org, "supervisor", "agent")


def test_leader_does_not_see_a_peers_team_or_another_office(org):
    seen = visible(org["manager"])
    assert not seen & ids(org, "peer", "peer_agent", "lviv_manager", "lviv_agent", "officehead", "owner")


def test_office_head_sees_everyone_in_his_office_and_no_one_elsewhere(org):
    assert access.scope_level(org["officehead"]) == "office"
    kyiv = ids(org, "officehead", "manager", "supervisor", "agent", "peer", "peer_agent")
    assert visible(org["officehead"]) == kyiv


@pytest.mark.parametrize("name", ["owner", "admin"])
def test_owner_and_administrator_see_everyone(org, name):
    assert access.scope_level(org[name]) == "all"
    assert visible(org[name]) == {user.id for user in org.values()}


def test_a_narrow_scope_is_a_signed_in_active_person_below_all(org):
    assert access.has_narrow_scope(org["agent"]) and access.has_narrow_scope(org["officehead"])
    assert not access.has_narrow_scope(org["owner"]) and not access.has_narrow_scope(None)
    org["agent"].is_blocked = True
    assert not access.has_narrow_scope(org["agent"])


def test_in_scope_answers_for_one_record_as_scope_does_for_the_list(org):
    for viewer in org.values():
        seen = visible(viewer)
        for target in org.values():
            assert access.in_scope(viewer, target) == (target.id in seen), (viewer.username, target.username)


def test_a_permission_on_a_record_needs_the_record_in_scope(org):
    assert access.can(org["manager"], "team.view", org["agent"])
    assert not access.can(org["manager"], "team.view", org["peer_agent"])
    assert access.can(org["officehead"], "team.view", org["peer_agent"])
    assert not access.can(org["officehead"], "team.view", org["lviv_agent"])
    assert not access.can(org["agent"], "team.view", org["agent"])  # agents have no team.view at all


@pytest.mark.parametrize("state", ["blocked", "deleted"])
def test_blocked_or_deleted_owner_is_denied_everything(org, state):
    owner = org["owner"]
    if state == "blocked":
        owner.is_blocked = True
    else:
        owner.deleted_at = utcnow()
    db.session.commit()
    assert access.permissions_of(owner) == frozenset()
    assert not access.can(owner, "dashboard.view")
    assert not access.in_scope(owner, org["agent"])
    assert visible(owner) == set()
    assert not access.can_manage_person(owner, org["agent"])


def test_anonymous_visitor_is_denied_everything(org):
    anonymous = AnonymousUserMixin()
    assert not access.can(anonymous, "dashboard.view")
    assert not access.can(anonymous, "staff.view", org["agent"])
    assert not access.in_scope(anonymous, org["agent"])
    assert visible(anonymous) == set()
    assert not access.can_manage_person(anonymous, org["agent"])
    with pytest.raises(ValueError):
        access.can(anonymous, "no.such.permission")


def test_leader_manages_his_subordinates_down_the_tree(org):
    assert access.can_manage_person(org["manager"], org["supervisor"])
    assert access.can_manage_person(org["manager"], org["agent"])
    assert access.can_manage_person(org["supervisor"], org["agent"])


def test_leader_cannot_manage_himself_an_owner_or_a_peers_subordinate(org):
    manager = org["manager"]
    assert not access.can_manage_person(manager, manager)
    assert not access.can_manage_person(manager, org["owner"])
    assert not access.can_manage_person(manager, org["peer_agent"])
    assert not access.can_manage_person(manager, org["peer"])
    assert not access.can_manage_person(manager, None)


def test_subordinate_cannot_manage_his_boss(org):
    assert not access.can_manage_person(org["agent"], org["manager"])
    assert not access.can_manage_person(org["supervisor"], org["manager"])


def test_office_head_manages_only_his_own_tree_even_though_he_sees_the_office(org):
    # He sees the whole office, but nobody in Kyiv reports to him in this tree.
    assert access.in_scope(org["officehead"], org["agent"])
    assert not access.can_manage_person(org["officehead"], org["agent"])


def test_owner_manages_anyone_but_himself_and_other_owners(org):
    owner = org["owner"]
    second_owner = make_user("owner2", "owner")
    assert access.can_manage_person(owner, org["lviv_agent"])
    assert access.can_manage_person(owner, org["admin"])
    assert not access.can_manage_person(owner, owner)
    assert not access.can_manage_person(owner, second_owner)
    assert not access.can_manage_person(org["admin"], org["agent"])  # administrators see all, manage no one


def test_a_loaded_card_is_in_scope_exactly_when_the_scope_clause_finds_it(org):
    """`in_scope` asks the loaded card in Python what `scope_clause` asks in SQL: its agent,
    manager, accountant or a stage's responsible person among the viewer's people."""
    from models.cards.card import Card
    from services.cards import operations as cards
    from tests.factories.cards import card_number

    def card(number, **people):
        return cards.create(by=org["owner"], number=number, contact_name="Scope", **people)

    made = [
        card(card_number(5001), agent=org["agent"]),
        card(card_number(5002), manager=org["peer"]),
        card(card_number(5003), agent=org["lviv_agent"], accountant=org["lviv_manager"]),
        card(card_number(5004)),
    ]
    by_responsible = made[3]
    cards.set_responsibles(
        by_responsible, {f"stage_{by_responsible.stage_id}": str(org["peer_agent"].id)}, org["owner"], 1
    )
    for viewer in org.values():
        for record in made:
            clause = access.scope_clause(viewer, Card)
            query = select(Card.id).where(Card.id == record.id)
            in_sql = db.session.scalar(query if clause is None else query.where(clause)) is not None
            assert access.in_scope(viewer, record) == in_sql, (viewer.username, record.number)
            assert (cards.visible_card(viewer, record.id) is not None) == in_sql
    assert access.in_scope(org["peer"], by_responsible) and not access.in_scope(org["lviv_manager"], by_responsible)
