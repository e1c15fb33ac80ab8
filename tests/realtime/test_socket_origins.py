"""Socket.IO accepts pages of the app's own origin only: a foreign or "null" Origin is refused on
polling and on the WebSocket handshake alike."""

import pytest

from realtime.origins import origin_check

HANDSHAKES = ["/socket.io/?EIO=4&transport=polling", "/socket.io/?EIO=4&transport=websocket"]
FOREIGN = ["http://evil.example", "null", "http://localhost.evil.example", "https://localhost", "http://localhost:81"]


@pytest.mark.parametrize("path", HANDSHAKES)
@pytest.mark.parametrize("origin", FOREIGN)
def test_a_foreign_or_null_origin_is_refused(client, path, origin):
    response = client.get(path, headers={"Origin": origin})
    assert response.status_code == 400
    assert b"Not an accepted origin" in response.data


def test_the_apps_own_origin_opens_a_polling_session(client):
    response = client.get(HANDSHAKES[0], headers={"Origin": "http://localhost"})
    assert response.status_code == 200
    assert b'"sid"' in response.data


def test_the_configured_public_url_is_the_only_own_origin():
    allowed = origin_check({"PUBLIC_URL": "https://crm.example.com/", "SOCKETIO_ALLOWED_ORIGINS": None})
    environ = {"wsgi.url_scheme": "http", "HTTP_HOST": "evil.example"}
    assert allowed("https://crm.example.com", environ)
    assert not allowed("http://evil.example", environ)  # the Host header a request carries is not enough
    assert not allowed("null", environ)


def test_extra_origins_are_added_to_the_own_one():
    allowed = origin_check({"PUBLIC_URL": None, "SOCKETIO_ALLOWED_ORIGINS": "https://tv.example.com, bad"})
    environ = {"wsgi.url_scheme": "https", "HTTP_HOST": "crm.example.com"}
    assert allowed("https://crm.example.com", environ) and allowed("https://tv.example.com", environ)
    assert not allowed("bad", environ) and not allowed("null", environ) and not allowed("", environ)
