"""Which pages may open a socket: the app's own origin (PUBLIC_URL when it is set, else the host
the request came to) and the extra ones configured; never another site's, nor a sandboxed "null"."""

from urllib.parse import urlsplit


def origin_of(url):
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def origin_check(config):
    """A check for python-engineio's `cors_allowed_origins`: called with the Origin header, when
    there is one, of every polling request and websocket handshake."""
    public = origin_of(config.get("PUBLIC_URL"))
    extra = {origin_of(url) for url in (config.get("SOCKETIO_ALLOWED_ORIGINS") or "").split(",")} - {None}

    def allowed(origin, environ):
        origin = (origin or "").strip().lower()
        if origin in extra:
            return True
        if public:
            return origin == public
        host = environ.get("HTTP_HOST")
        return bool(host) and origin == f"{environ.get('wsgi.url_scheme', 'http')}://{host}".lower()

    return allowed
