"""The suggestions' tests: an office with a chain of leaders, and sockets to listen with."""

import pytest

from tests.factories.suggestions import make_suggestions_office
from tests.realtime.socket_client import Sockets


@pytest.fixture
def office():
    return make_suggestions_office()


@pytest.fixture
def sockets(app):
    opened = Sockets(app)
    yield opened
    opened.close_all()
