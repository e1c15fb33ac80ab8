"""The web processes' gunicorn hook: the loaded app leaves the collector's reach."""

import gc
import importlib.util
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


@pytest.fixture
def conf():
    spec = importlib.util.spec_from_file_location("kartoteka_gunicorn_conf", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    gc.unfreeze()


def test_after_the_app_loads_its_objects_leave_the_collectors_reach(app, conf):
    assert gc.get_freeze_count() == 0
    conf.post_worker_init(worker=None)
    assert gc.get_freeze_count() > 10_000  # the app, its models and modules
    # a full collection now walks only what was made since
    assert sum(len(gc.get_objects(generation)) for generation in range(3)) < gc.get_freeze_count()
