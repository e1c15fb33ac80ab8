"""The chats' tests: the clients' office (a supervisor's team and a peer team), a client of the
supervisor's employee, signed-in browsers and sockets."""

import pytest

from tests.factories.clients import make_client, make_clients_office
from tests.realtime.socket_client import Sockets
from tests.view_helpers import EnglishRequestClient


@pytest.fixture
def team():
    return make_clients_office()


@pytest.fixture
def anna(team):
    """The employee's client."""
    return make_client(team["employee"], full_name="Anna Koval", office_id=team["office"].id)


@pytest.fixture
def browser(app, login_as, team):
    return lambda name: login_as(team[name], client=EnglishRequestClient(app, app.response_class, use_cookies=True))


@pytest.fixture
def sockets(app):
    opened = Sockets(app)
    yield opened
    opened.close_all()
