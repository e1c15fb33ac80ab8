"""The embedded mode's web server (Werkzeug through Flask-SocketIO), without a version banner."""

from werkzeug.serving import WSGIRequestHandler


class BannerlessRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, minus the `Server: Werkzeug/x Python/y` header it adds to every answer."""

    def send_header(self, keyword, value):
        if keyword.lower() != "server":
            super().send_header(keyword, value)
