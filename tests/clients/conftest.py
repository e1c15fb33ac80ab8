"""The clients' tests share one office: a supervisor's team and a peer team."""

import pytest

from tests.factories.clients import make_clients_office
from tests.view_helpers import signed_in


@pytest.fixture
def team():
    return make_clients_office()


@pytest.fixture
def client_of(app, login_as, team):
    return lambda name: signed_in(app, login_as, team[name])
