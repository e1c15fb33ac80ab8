"""The pipeline editor shows and reads the stage rules: a move's condition as "stage code:
field=value", the in-stage step's labels, a pipeline's subject and permissions."""

import re

import pytest
from wtforms.validators import ValidationError

from admin_views.pipeline.editor import StageView
from tests.factories.cards import stage_of
from tests.factories.platform import make_user


def test_the_stage_form_shows_the_moves_condition_and_the_step(login_as):
    owner = login_as(make_user(role_code="owner"))
    stage = stage_of("bank_check")
    page = owner.get(f"/admin/stages/edit/?id={stage.id}")
    assert page.status_code == 200
    assert "return_to_supplier: answer_received=yes" in page.text
    assert "Відповіді ще немає — перевірити завтра" in page.text
    assert 'name="fields-1-required_if"' in page.text and "answer_received=yes" in page.text


def test_the_pipeline_form_offers_its_subject_and_permissions(login_as):
    owner = login_as(make_user(role_code="owner"))
    board = stage_of("bank_check").pipeline
    page = owner.get(f"/admin/pipelines/edit/?id={board.id}")
    assert page.status_code == 200
    assert 'name="subject_type"' in page.text and 'value="cards.move_any" selected' in page.text.replace(
        'selected value="cards.move_any"', 'value="cards.move_any" selected'
    )


def test_the_pipelines_name_what_moves_through_them_in_words(login_as):
    owner = login_as(make_user(role_code="owner"))  # Ukrainian, the default
    listed = owner.get("/admin/pipelines/")
    cells = re.findall(r"<td[^>]*>\s*([^<]+?)\s*</td>", listed.text)
    assert "Картки" in cells and "Клієнти" in cells and "card" not in cells and "client" not in cells
    form = owner.get(f"/admin/pipelines/edit/?id={stage_of('bank_check').pipeline.id}")
    assert re.search(r'<option[^>]*value="client"[^>]*>Клієнти</option>', form.text)


def test_conditions_are_read_by_stage_code_and_a_stranger_is_refused(app):
    stages = {"return_to_supplier": 9, "archived": 10}
    assert StageView._conditions("return_to_supplier: answer_received=yes\n\n", stages) == {9: "answer_received=yes"}
    with app.test_request_context(), pytest.raises(ValidationError):
        StageView._conditions("nowhere: answer_received=yes", stages)
    with app.test_request_context(), pytest.raises(ValidationError):
        StageView._conditions("archived:", stages)
