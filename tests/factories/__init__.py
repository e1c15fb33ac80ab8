"""Factories of the tests' data, one module per domain: `tests.factories.platform` (people, roles,
the org tree) and `tests.factories.cards` (cards on the pipeline, banks, suppliers). The platform's
are re-exported here, so `from tests import factories; factories.make_user(...)` reads as before."""

from tests.factories.platform import (
    PASSWORD,
    make_department,
    make_office,
    make_team_of_two,
    make_user,
    place,
    role,
)

__all__ = ["PASSWORD", "make_department", "make_office", "make_team_of_two", "make_user", "place", "role"]
