"""The clients' tests share one office: a supervisor's team and a peer team."""

import pytest

from tests.factories.clients import make_clients_office
from tests.view_helpers import EnglishRequestClient


@pytest.fixture
def team():
    return make_clients_office()


@pytest.fixture
def client_of(app, login_as, team):
    return lambda name: login_as(team[name], client=EnglishRequestClient(app, app.response_class, use_cookies=True))
