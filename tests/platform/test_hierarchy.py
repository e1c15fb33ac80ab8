"""The org tree as materialized paths: subordinates in one query, re-parenting, refused cycles."""

import pytest
from sqlalchemy import select

from extensions import db
from models.platform.org import Membership, Position
from services.platform import hierarchy
from services.platform.hierarchy import HierarchyError
from tests.factories.platform import make_office, make_user, place
from tests.sql_capture import capture_sql


def subordinates(user):
    return set(db.session.scalars(hierarchy.subordinate_ids(user.id)))


def path_of(membership):
    return db.session.scalar(select(Membership.path).where(Membership.id == membership.id))


@pytest.fixture
def tree():
    """Kyiv: head → supervisor → employee → intern; a peer head with his own employee."""
    office = make_office("Kyiv")
    people = {name: make_user(name) for name in ("head", "supervisor", "employee", "intern", "peer", "peer_staff")}
    m = {"head": place(people["head"], office, "head_of_department")}
    m["supervisor"] = place(people["supervisor"], office, "supervisor", boss=m["head"])
    m["employee"] = place(people["employee"], office, "employee", boss=m["supervisor"])
    m["intern"] = place(people["intern"], office, "intern", boss=m["employee"])
    m["peer"] = place(people["peer"], office, "head_of_department")
    m["peer_staff"] = place(people["peer_staff"], office, "employee", boss=m["peer"])
    return office, people, m


def test_subordinates_are_everyone_below_down_several_levels(tree):
    _, people, _ = tree
    below = {people[n].id for n in ("supervisor", "employee", "intern")}
    assert subordinates(people["head"]) == below
    assert subordinates(people["supervisor"]) == {people["employee"].id, people["intern"].id}
    assert subordinates(people["intern"]) == set()


def test_subordinates_are_read_in_one_sql_statement(tree):
    _, people, _ = tree
    leader_id = people["head"].id
    with capture_sql() as sql:
        ids = db.session.scalars(hierarchy.subordinate_ids(leader_id)).all()
    assert len(ids) == 3
    assert sql.count == 1


def test_subordinates_exclude_the_peers_team_and_the_leader_himself(tree):
    _, people, _ = tree
    mine = subordinates(people["head"])
    assert people["peer"].id not in mine and people["peer_staff"].id not in mine
    assert people["head"].id not in mine
    assert subordinates(people["peer"]) == {people["peer_staff"].id}


def test_a_subtree_is_not_confused_with_ids_that_share_its_digits():
    office = make_office()
    leader = place(make_user(), office, "supervisor")
    place(make_user(), office, "employee", boss=leader)
    prefix = str(leader.id)
    lookalike = None
    for _ in range(30):  # the first membership whose id starts with the leader's id, e.g. 1 and 10
        candidate = place(make_user(), office, "head_of_department")
        if str(candidate.id).startswith(prefix):
            lookalike = candidate
            break
    assert lookalike is not None
    below_lookalike = place(make_user(), office, "employee", boss=lookalike)
    assert below_lookalike.user_id not in subordinates(leader.user)
    assert lookalike.user_id not in subordinates(leader.user)
    assert len(subordinates(leader.user)) == 1


def test_a_person_in_two_offices_leads_a_team_in_each():
    kyiv, lviv = make_office("Kyiv"), make_office("Lviv")
    leader = make_user("leader")
    in_kyiv = place(leader, kyiv, "supervisor")
    in_lviv = place(leader, lviv, "head_of_department")
    kyiv_staff = make_user("kyiv_staff")
    lviv_staff = make_user("lviv_staff")
    lviv_intern = make_user("lviv_intern")
    place(kyiv_staff, kyiv, "employee", boss=in_kyiv)
    lviv_employee = place(lviv_staff, lviv, "employee", boss=in_lviv)
    place(lviv_intern, lviv, "intern", boss=lviv_employee)
    db.session.refresh(leader)

    assert {m.office.name for m in leader.memberships} == {"Kyiv", "Lviv"}
    assert subordinates(leader) == {kyiv_staff.id, lviv_staff.id, lviv_intern.id}
    assert subordinates(lviv_staff) == {lviv_intern.id}


def test_hierarchy_paths_follow_the_reports_to_chain(tree):
    _, _, m = tree
    assert path_of(m["head"]) == f"/{m['head'].id}/"
    assert path_of(m["intern"]) == f"/{m['head'].id}/{m['supervisor'].id}/{m['employee'].id}/{m['intern'].id}/"


def test_reparenting_a_membership_rewrites_the_paths_of_its_whole_subtree(tree):
    _, people, m = tree
    hierarchy.place(m["supervisor"], m["peer"])
    db.session.commit()

    peer, sup, emp, intern = (m[n].id for n in ("peer", "supervisor", "employee", "intern"))
    assert path_of(m["supervisor"]) == f"/{peer}/{sup}/"
    assert path_of(m["employee"]) == f"/{peer}/{sup}/{emp}/"
    assert path_of(m["intern"]) == f"/{peer}/{sup}/{emp}/{intern}/"
    assert path_of(m["peer_staff"]) == f"/{peer}/{m['peer_staff'].id}/"
    assert subordinates(people["head"]) == set()
    assert subordinates(people["peer"]) == {people[n].id for n in ("peer_staff", "supervisor", "employee", "intern")}


def test_moving_a_subtree_to_the_top_rewrites_its_paths(tree):
    _, people, m = tree
    hierarchy.place(m["employee"], None)
    db.session.commit()
    assert path_of(m["employee"]) == f"/{m['employee'].id}/"
    assert path_of(m["intern"]) == f"/{m['employee'].id}/{m['intern'].id}/"
    assert subordinates(people["head"]) == {people["supervisor"].id}


@pytest.mark.parametrize("new_boss", ["supervisor", "intern"])
def test_a_membership_cannot_report_to_someone_below_it(tree, new_boss):
    _, _, m = tree
    before = {x.id: path_of(x) for x in m.values()}
    with pytest.raises(HierarchyError):
        hierarchy.place(m["head"], m[new_boss])
    db.session.rollback()
    assert {x.id: path_of(x) for x in m.values()} == before


def test_a_membership_cannot_report_to_itself(tree):
    _, _, m = tree
    with pytest.raises(HierarchyError):
        hierarchy.place(m["supervisor"], m["supervisor"])
    db.session.rollback()
    assert path_of(m["supervisor"]) == f"/{m['head'].id}/{m['supervisor'].id}/"


def test_a_person_cannot_report_to_his_own_other_position():
    kyiv, lviv = make_office("Kyiv"), make_office("Lviv")
    person = make_user()
    first = place(person, kyiv, "supervisor")
    with pytest.raises(HierarchyError):
        place(person, lviv, "employee", boss=first)
    db.session.rollback()
    assert db.session.scalars(select(Membership).where(Membership.user_id == person.id)).all() == [first]


def test_a_new_unsaved_membership_cannot_report_to_its_own_person():
    """As the admin form builds it: relationships set, no ids flushed yet."""
    office = make_office()
    person = make_user()
    first = place(person, office, "supervisor")
    employee = db.session.scalar(select(Position).where(Position.code == "employee"))
    db.session.refresh(first)  # loaded, as the form's query loads it: no autoflush gives ids away
    second = Membership(user=person, office=office, position=employee)
    db.session.add(second)
    with pytest.raises(HierarchyError):
        hierarchy.place(second, first)
    db.session.rollback()
    assert db.session.scalar(select(Membership.id).where(Membership.parent_id == first.id)) is None
