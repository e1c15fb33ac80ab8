"""The stack-floor benchmark's app serves every path the benchmark measures, with real content:
a floor measured on error pages would be no floor."""

import re

import sqlalchemy as sa

from bench.floor_app import ROWS, Item, create_app, db
from bench.stack_floor import PATHS


def test_every_measured_path_answers_with_its_content(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOOR_DATABASE", str(tmp_path / "floor.sqlite"))
    client = create_app().test_client()
    pages = {path: client.get(path) for path in PATHS}

    assert {path: page.status_code for path, page in pages.items()} == dict.fromkeys(PATHS, 200)
    assert pages["/plain"].text == "ok"
    assert [row["name"] for row in pages["/json"].json] == [f"Item {n}" for n in range(ROWS)]
    assert "<p>ok</p>" in pages["/admin/blank/"].text
    names = re.findall(r'<td class="col-name">\s*(.*?)\s*</td>', pages["/admin/item/"].text)
    assert sorted(names) == sorted(f"Item {n}" for n in range(ROWS))
    assert "note 0" in pages["/admin/item/details/?id=1"].text
    assert 'value="Item 0"' in pages["/admin/item/edit/?id=1"].text


def test_the_table_is_filled_once(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOOR_DATABASE", str(tmp_path / "floor.sqlite"))
    create_app()
    app = create_app()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == ROWS
