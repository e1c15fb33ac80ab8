"""The load test's HTTP client over real HTTP: it signs in to the app and stays signed in, posts
forms, never follows a redirect, keeps and drops cookies as the server says, and carries on after
the server closes its connection."""

import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bench.lean_http import LeanHTTP
from bench.load_clients import CSRF_FIELD
from tests.e2e.live import QuietHandler, free_port, serve
from tests.factories.platform import PASSWORD, make_user


def test_a_user_signs_in_and_stays_signed_in(app):
    make_user("lean_manager", "manager", full_name="Lean Manager", language="en")
    with serve(app) as url:
        http = LeanHTTP(url, "127.0.0.1")
        assert http.get(f"{url}/admin/tasks/").status_code == 302  # not signed in yet
        token = CSRF_FIELD.search(http.get(f"{url}/login").text).group(1)
        signed = http.post(f"{url}/login", data={"username": "lean_manager", "password": PASSWORD, "csrf_token": token})
        assert signed.status_code == 302 and signed.headers["Location"].endswith("/admin/")
        page = http.get(f"{url}/admin/tasks/", params={"tab": "incoming"})
        assert page.status_code == 200 and "Lean Manager" in page.text
        assert page.url == f"{url}/admin/tasks/?tab=incoming"
        assert http.get(f"{url}/healthz").json() == {"status": "ok"}
        http.close()


def _cookie_app(environ, start_response):
    request = Request(environ)
    response = Response(request.headers.get("Cookie", ""))
    if request.path == "/set":
        response.set_cookie("kept", "1")
        response.set_cookie("other", "2")
    elif request.path == "/expire":
        response.delete_cookie("kept")
    elif request.path == "/close":
        response.headers["Connection"] = "close"
    elif request.path == "/form":
        response = Response(request.get_data(as_text=True) + "|" + request.content_type)
    return response(environ, start_response)


@pytest.fixture
def cookie_server():
    port = free_port()
    server = make_server("127.0.0.1", port, _cookie_app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def test_cookies_are_kept_and_dropped_as_the_server_says(cookie_server):
    http = LeanHTTP(cookie_server)
    assert http.get("/set").text == ""
    assert http.get("/echo").text == "kept=1; other=2"
    http.get("/expire")
    assert http.get("/echo").text == "other=2"


def test_forms_are_posted_and_a_closed_connection_is_opened_again(cookie_server):
    http = LeanHTTP(cookie_server)
    http.get("/set")
    assert http.post("/form", data={"note": "a b&c", "n": 1}).text == (
        "note=a+b%26c&n=1|application/x-www-form-urlencoded"
    )
    assert http.get("/close").status_code == 200
    assert http.get("/echo").text == "kept=1; other=2"  # a new connection, the same cookies
    with pytest.raises(ValueError):
        http.get("/set", allow_redirects=True)
