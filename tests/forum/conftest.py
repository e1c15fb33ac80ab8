"""The forum tests' people: an owner, a leader over two employees, an outsider in another department."""

import pytest

from tests.factories.forum import make_forum_people
from tests.realtime.socket_client import Sockets


@pytest.fixture
def team(db):
    return make_forum_people()


@pytest.fixture
def sockets(app):
    """Socket.IO test clients (tests/realtime/socket_client.py), closed at the end of the test."""
    opened = Sockets(app)
    yield opened
    opened.close_all()
