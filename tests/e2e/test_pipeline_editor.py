"""The stage editor's inline lists (the modal's fields) under the CSP, in Chromium."""

import re

import pytest
from sqlalchemy import select

from models.pipeline import Stage
from tests.e2e.pages import sign_in

pytestmark = pytest.mark.e2e


def test_a_stage_gets_a_new_field_row_from_the_add_button(new_page, demo, db):
    stage_id = db.session.scalar(select(Stage.id).where(Stage.is_final.is_(False)).order_by(Stage.id))
    page = new_page()
    sign_in(page, "owner")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(f"/admin/stages/edit/?id={stage_id}")
    before = page.locator("#fields .inline-field").count()
    page.click("#fields-button")
    page.locator("#fields .inline-field").nth(before).wait_for()
    assert page.locator("#fields .inline-field").count() == before + 1
    assert page.watch.check() == []
