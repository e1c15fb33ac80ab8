"""Paths whose requests must not be tied to the person who makes them (anonymous suggestions).

A domain declares its path prefixes at start (`register`); for a request under one of them the
request log writes neither the user nor the client's address, and the session row is not touched
(its last-seen time would date the request to the person's session)."""

from flask import has_request_context, request

PREFIXES = set()


def register(prefix):
    PREFIXES.add(prefix)


def is_anonymous(path=None):
    """Whether this path (by default the current request's) is one of the declared ones."""
    if path is None:
        if not has_request_context():
            return False
        path = request.path
    return any(path.startswith(prefix) for prefix in PREFIXES)
