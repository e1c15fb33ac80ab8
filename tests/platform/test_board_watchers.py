"""Who hears of a subject's change: access.watchers_of(people) is exactly the set of people whose
narrow scope shows a record of those people — the inverse of visible_user_ids — so a board event
goes to those who see the card and nobody else."""

import itertools

import pytest

from extensions import db
from models.platform.user import User
from services.platform import access
from tests.factories.platform import make_office, make_user, place


@pytest.fixture
def org():
    north, south = make_office(), make_office()
    people = {
        name: make_user(name, role_code=None)
        for name in (
            "head_n",
            "lead_n",
            "agent_n1",
            "agent_n2",
            "office_head_n",
            "lead_s",
            "agent_s",
            "intern_s",
            "loner",
        )
    }
    head = place(people["head_n"], north, "head_of_department")
    lead = place(people["lead_n"], north, "supervisor", boss=head)
    place(people["agent_n1"], north, "employee", boss=lead)
    place(people["agent_n2"], north, "employee", boss=head)
    place(people["office_head_n"], north, "office_head")
    lead_s = place(people["lead_s"], south, "supervisor")
    place(people["agent_s"], south, "employee", boss=lead_s)
    place(people["intern_s"], south, "intern", boss=lead_s)
    # Someone in two offices: north's office head sees him through his northern place.
    place(people["agent_s"], north, "employee")
    return {name: db.session.get(User, user.id) for name, user in people.items()}


def narrow_viewers(org):
    return [user for user in org.values() if access.scope_level(user) != "all"]


@pytest.mark.parametrize("size", [1, 2])
def test_the_watchers_of_a_set_of_people_are_those_whose_scope_shows_one_of_them(org, size):
    viewers = narrow_viewers(org)
    visible = {viewer.id: access.visible_set(viewer) for viewer in viewers}
    for group in itertools.combinations(org.values(), size):
        people = {person.id for person in group}
        watchers = access.watchers_of(people)
        for viewer in viewers:
            expected = bool(people & visible[viewer.id])
            assert (viewer.id in watchers) is expected, (sorted(people), viewer.username)


def test_who_watches_a_northern_agent(org):
    watchers = access.watchers_of({org["agent_n1"].id})
    names = {user.username for user in org.values() if user.id in watchers}
    assert names == {"agent_n1", "lead_n", "head_n", "office_head_n"}


def test_nobody_watches_no_one(org):
    assert access.watchers_of(set()) == frozenset()
    assert access.watchers_of({None}) == frozenset()
    assert access.watchers_of({org["loner"].id}) == {org["loner"].id}
