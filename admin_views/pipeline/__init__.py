"""The pipeline editor: pipelines, stages, their fields and moves as data (owner)."""

from flask_babel import lazy_gettext as _l

from admin_views import ORGANISATION, add_page


def init_app(app):
    from admin_views.pipeline import editor
    from models.pipeline import Pipeline, Stage
    from realtime import rooms

    rooms.register("board", rooms.board_permission)

    add_page(
        130,
        "pipelines",
        lambda: editor.PipelineView(
            Pipeline, name=_l("Pipelines"), endpoint="pipelines", url="pipelines", category=ORGANISATION
        ),
    )
    add_page(
        140,
        "stages",
        lambda: editor.StageView(Stage, name=_l("Stages"), endpoint="stages", url="stages", category=ORGANISATION),
    )
    _describe_changes(editor)


def _describe_changes(editor):
    from admin_views.change_words import describe

    describe("pipelines", _l("Pipeline"), view="pipelines")
    describe(
        "stages",
        _l("Stage"),
        {"pipeline_id": _l("Pipeline")},
        {"bucket": dict(editor.BUCKETS), "responsible_role": dict(editor.RESPONSIBLE_ROLES)},
        view="stages",
    )
