"""The realtime tests' sockets: opened through `sockets(client)`, closed at the end of the test."""

import pytest

from tests.realtime.socket_client import Sockets


@pytest.fixture
def sockets(app):
    opened = Sockets(app)
    yield opened
    opened.close_all()
