"""What a process keeps (services.platform.cache): by signal version, by person and version, by time
and by key, all of it emptied by reset_all."""

import threading
import time
from contextlib import contextmanager

import pytest
from flask import g

from services.platform import cache

KEYED = cache.keyed("test keyed values", limit=3)
TIMED = cache.timed("test timed values")


@contextmanager
def request_of(app):
    """A request with its own g (the tests run inside an app context, whose g a request would share)."""
    with app.app_context(), app.test_request_context():
        yield


def counting(values):
    """A load() giving `values` in turn, and the list of what it gave."""
    given = []

    def load():
        given.append(values[len(given)])
        return given[-1]

    return load, given


def test_a_value_is_kept_for_its_seconds_and_loaded_again_after():
    load, given = counting(["first", "second", "third"])
    assert cache.per_time("test value", 60, load) == "first"
    assert cache.per_time("test value", 60, load) == "first"
    assert cache.per_time("test value", 0.05, load) == "first"
    time.sleep(0.06)
    assert cache.per_time("test value", 0.05, load) == "second"
    assert cache.per_time("test value", -1, load) == "third"  # no age is young enough
    assert given == ["first", "second", "third"]


def test_threads_asking_at_once_load_the_value_once():
    started, release = threading.Event(), threading.Event()
    loads, results = [], []

    def slow_load():
        loads.append(1)
        started.set()
        release.wait(5)
        return "loaded"

    threads = [
        threading.Thread(target=lambda: results.append(cache.per_time("test slow", 60, slow_load))) for _ in range(8)
    ]
    threads[0].start()
    assert started.wait(5)
    for thread in threads[1:]:
        thread.start()
    time.sleep(0.05)  # the others wait for the first one's load
    release.set()
    for thread in threads:
        thread.join(5)
    assert results == ["loaded"] * 8 and len(loads) == 1


def test_a_failed_load_keeps_nothing_and_the_next_caller_loads():
    def failing():
        raise RuntimeError("database away")

    with pytest.raises(RuntimeError):
        cache.per_time("test failing", 60, failing)
    assert cache.per_time("test failing", 60, lambda: "back") == "back"


def test_a_persons_value_is_kept_for_his_version_only():
    load, given = counting(["v1", "v2", "unkept", "other"])
    assert cache.per_user_version("test people", 7, 100, load) == "v1"
    assert cache.per_user_version("test people", 7, 100, load) == "v1"
    assert cache.per_user_version("test people", 7, 101, load) == "v2"  # the signal moved on
    assert cache.per_user_version("test people", 7, None, load) == "unkept"  # no version: not kept
    assert cache.per_user_version("test people", 7, 101, load) == "v2"
    assert cache.per_user_version("test people", 8, 101, load) == "other"  # each person his own
    assert given == ["v1", "v2", "unkept", "other"]


def test_the_people_kept_are_bounded():
    loads = []
    for user_id in [*range(25), 24, 0]:
        cache.per_user_version("test bounded people", user_id, 1, lambda: loads.append(1), limit=10)
    assert len(loads) == 26  # the last one kept, the first one emptied out with the others


def test_a_value_is_kept_per_directories_version_and_read_once_a_request_without_one(app):
    load, given = counting(["v1", "v2", "per request", "next request"])
    with request_of(app):
        g.directories_version = 1
        assert cache.per_version("test list", load) == cache.per_version("test list", load) == "v1"
        g.directories_version = 2
        assert cache.per_version("test list", load) == "v2"
    with request_of(app):
        assert cache.per_version("test list", load) == cache.per_version("test list", load) == "per request"
    with request_of(app):
        assert cache.per_version("test list", load) == "next request"


def test_a_keyed_store_is_bounded_and_a_name_is_one_store():
    for key in range(5):
        KEYED.keep(key, str(key))
    assert len(KEYED) <= 3 and KEYED[4] == "4"
    assert KEYED.value_of("missing", lambda: "loaded") == "loaded"
    assert KEYED.value_of("missing", lambda: "not again") == "loaded"
    with pytest.raises(ValueError):
        cache.keyed("test keyed values")


def test_a_timed_store_gives_what_is_recent_enough():
    TIMED.keep("key", 42)
    assert TIMED.recent("key", 60) == 42
    assert TIMED.recent("key", -1) is None and TIMED.recent("other", 60) is None
    assert TIMED.recent_or_load("key", -1, lambda: 43) == 43


def test_reset_all_empties_everything_kept(app):
    KEYED.keep("key", "old")
    TIMED.keep("key", "old")
    cache.per_time("test reset", 60, lambda: "old")
    cache.per_user_version("test reset", 1, 5, lambda: "old")
    with request_of(app):
        g.directories_version = 1
        cache.per_version("test reset", lambda: "old")
    cache.reset_all()
    assert not KEYED and not TIMED
    assert cache.per_time("test reset", 60, lambda: "new") == "new"
    assert cache.per_user_version("test reset", 1, 5, lambda: "new") == "new"
    with request_of(app):
        g.directories_version = 1
        assert cache.per_version("test reset", lambda: "new") == "new"
