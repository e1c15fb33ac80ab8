"""Reference data a web process keeps for one version of the 'directories' signal: the select lists
(services.cards.choices) and the stages' names and colours (services.pipeline.stage_labels).

Every signed-in request reads the version with its session row (services.platform.sessions); the triggers of
migration b1c2d3e4f510 bump it with every change to banks, suppliers, people's names, roles and
blocks, pipelines and stages — from the panel, a job or psql. Without a version (no signed-in
request, or the signal row missing) a value is read once a request."""

from flask import g, has_request_context

# name → (directories version, value), shared by the process's threads: a value is never edited
# (tuples, read-only mappings), a stale one is replaced.
_kept = {}


def per_version(name, load):
    """The kept value of `name` for the request's directories version, `load()`ed when missing."""
    version = g.get("directories_version") if has_request_context() else None
    if version is None:
        per_request = g.setdefault("kept_reference", {}) if has_request_context() else {}
        if name not in per_request:
            per_request[name] = load()
        return per_request[name]
    entry = _kept.get(name)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = load()
    _kept[name] = (version, value)
    return value
