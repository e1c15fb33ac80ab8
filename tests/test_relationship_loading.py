"""Every relationship says how it loads. A new one chooses ("raise_on_sql", "selectin", "joined",
...) instead of the default lazy "select", which reads its rows one object at a time, unseen.

The relationships below load lazily today, each read one object at a time (or never). They keep
doing so; a change of one of them is a change of the queries of the pages that read it."""

from extensions import db

LAZY_SELECT_TODAY = {
    # the office of one department at a time: the department's name and the membership form's check
    ("Department", "office"),
    # the schedule of a delivery: written by the scheduler by id, not read through the relationship
    ("ExportDelivery", "schedule"),
    # the person of an export job: the jobs read job.user_id
    ("ExportJob", "user"),
    # a schedule's deliveries: claimed and updated by query (services/exports/schedules.py)
    ("ExportSchedule", "deliveries"),
    # the person of one membership at a time (sessions, the org tree), mostly already in the session
    ("Membership", "user"),
    # the pipeline of a stage, back of Pipeline.stages (selectin): the stage editor's list column
    ("Stage", "pipeline"),
    # the stage of a field, back of Stage.fields (selectin)
    ("StageField", "stage"),
    # who closed a step: a card's step history names them (templates/admin/pipeline/history.html)
    ("StageTask", "closed_by"),
    # where a step moved the card: the pages read moved_to_stage_id and the kept stage names
    ("StageTask", "moved_to_stage"),
    # the card of a task: the task page, its form and the task list show the card's number
    ("Task", "card"),
    # a task's comments: its page lists them
    ("Task", "comments"),
    # the task of a comment, back of Task.comments
    ("TaskComment", "task"),
    # the card of a transaction, back of Card.transactions (selectin): the finance totals' hook
    ("Transaction", "card"),
}


def _relationships():
    for mapper in db.Model.registry.mappers:
        for relationship in mapper.relationships:
            yield (mapper.class_.__name__, relationship.key), relationship.lazy


def test_every_new_relationship_chooses_how_it_loads(app):
    silent = sorted(name for name, lazy in _relationships() if lazy == "select" and name not in LAZY_SELECT_TODAY)
    assert not silent, f"choose lazy= for {silent} (raise_on_sql, selectin, joined, ...)"


def test_the_list_of_todays_lazy_relationships_is_current(app):
    lazy = dict(_relationships())
    stale = sorted(name for name in LAZY_SELECT_TODAY if lazy.get(name) != "select")
    assert not stale, f"{stale} no longer load lazily: take them off LAZY_SELECT_TODAY"
