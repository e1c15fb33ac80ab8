"""Shared by the e2e tests and make_screenshot.py: the app served on a free loopback port in
threads of this process, the Debian Chromium, and a watcher for console errors and CSP
violations."""

import contextlib
import re
import socket
import threading
import time
import urllib.request

from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Runs in every document before its own scripts: CSP violations are reported as events too,
# not only as console lines, so a blocked style or image cannot slip through.
CSP_PROBE = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__kartotekaCsp(e.violatedDirective + " " + (e.blockedURI || "inline") + " @ " + e.documentURI);
});
"""


class QuietHandler(WSGIRequestHandler):
    """No access log line per request (errors are still logged)."""

    def log_request(self, code="-", size="-"):
        pass


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve(app):
    """Serve the app on 127.0.0.1:<free port>; yields the base URL.

    werkzeug's threaded server (what `socketio.run` uses in threading mode) is started directly
    so it can be shut down cleanly; Socket.IO is served too, because Flask-SocketIO wraps
    `app.wsgi_app` in `init_app`, and werkzeug hands the raw socket to simple-websocket."""
    from extensions import socketio

    # flask_socketio's test client patches these on the shared server; a browser needs the real ones.
    for name in ("_send_packet", "_send_eio_packet"):
        vars(socketio.server).pop(name, None)
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


class ConsoleWatch:
    """Console errors, uncaught page errors and CSP violations of one page.

    `allow` is a regex for lines a test expects, e.g. the "status of 403" line Chromium logs
    when the page itself is the 403 page."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))
        page.expose_function("__kartotekaCsp", lambda text: self.problems.append(f"CSP violation: {text}"))
        page.add_init_script(CSP_PROBE)

    def _console(self, message):
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text} @ {self.page.url}")

    def check(self, allow=None):
        pattern = re.compile(allow) if allow else None
        return [p for p in self.problems if not (pattern and pattern.search(p))]
