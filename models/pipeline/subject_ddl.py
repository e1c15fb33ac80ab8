"""The database triggers that keep the engine's generic tables in step with one subject's table, made
from the subject's declaration (models/pipeline/subject.py) instead of written by hand per subject.

For a subject table T of type 'x' with people columns (p1, p2, p3 — at most PEOPLE_SLOTS):
- `stage_counts`: live subjects per (stage, p1, p2, p3), no person = 0; +1/-1 on every insert
  (on PostgreSQL added up per statement), delete, move, change of people or soft delete of a row of T;
- `stage_responsibles.subject_stage_id`: the subject's stage while it is live (NULL once deleted);
  a deleted row of T takes its responsibles with it;
- `stage_tasks.person_N_id`: every task of the subject (closed ones too) carries its people.

Whatever changes T — the ORM, a job's bulk UPDATE, psql — the triggers keep these in the same
transaction. The statements are made by the app's one trigger helper (models/ddl.py); importable
from migrations: it imports nothing of the application."""

from dataclasses import dataclass

from models import ddl

PEOPLE_SLOTS = 3
SLOT_COLUMNS = tuple(f"person_{n}_id" for n in range(1, PEOPLE_SLOTS + 1))

# Shared by every subject (PostgreSQL): add `delta` to one counter row. A decrement never creates one.
POSTGRESQL_SHARED_UP = [
    """
CREATE OR REPLACE FUNCTION stage_counts_add(k integer[], delta integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF delta > 0 THEN
        INSERT INTO stage_counts (stage_id, person_1_id, person_2_id, person_3_id, subjects)
        VALUES (k[1], k[2], k[3], k[4], delta)
        ON CONFLICT (stage_id, person_1_id, person_2_id, person_3_id)
        DO UPDATE SET subjects = stage_counts.subjects + EXCLUDED.subjects;
    ELSE
        UPDATE stage_counts SET subjects = subjects + delta
        WHERE stage_id = k[1] AND person_1_id = k[2] AND person_2_id = k[3] AND person_3_id = k[4];
    END IF;
END $$
"""
]
POSTGRESQL_SHARED_DOWN = [ddl.pg_drop_function("stage_counts_add", "integer[], integer")]


@dataclass(frozen=True)
class SubjectTable:
    """What the triggers need of a subject: its table, its type and its people columns in slot order."""

    table: str
    subject_type: str
    people: tuple

    def __post_init__(self):
        ddl.plain(self.table, self.subject_type, *self.people)
        if not 0 < len(self.people) <= PEOPLE_SLOTS:
            raise ValueError(f"{self.table}: a subject has 1 to {PEOPLE_SLOTS} people columns")

    def key(self, row):
        """The counter key of `row` (NEW or OLD): its stage, then each slot's person or 0."""
        people = [f"COALESCE({row}.{column}, 0)" for column in self.people]
        return [f"{row}.stage_id", *people, *["0"] * (PEOPLE_SLOTS - len(self.people))]

    def slot_pairs(self):
        return list(zip(SLOT_COLUMNS, self.people, strict=False))


def postgresql_up(subject):
    """The statements creating the subject's triggers on PostgreSQL."""
    t, x = subject.table, subject.subject_type
    new_key, old_key = ", ".join(subject.key("NEW")), ", ".join(subject.key("OLD"))
    people = ", ".join(subject.people)
    set_people = ", ".join(f"{slot} = NEW.{column}" for slot, column in subject.slot_pairs())
    people_changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in subject.people)
    slots = ", ".join(f"NEW.{slot}" for slot, _ in subject.slot_pairs())
    return [
        # Counters: the two rows a subject leaves and enters are taken in key order, so two moves in
        # opposite directions cannot deadlock on them.
        ddl.pg_function(
            f"{t}_stage_counts_keep",
            f"""IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN
    old_key := ARRAY[{old_key}];
END IF;
IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.deleted_at IS NULL THEN
    new_key := ARRAY[{new_key}];
END IF;
IF old_key IS NOT DISTINCT FROM new_key THEN
    RETURN NULL;
END IF;
IF old_key IS NOT NULL AND (new_key IS NULL OR old_key < new_key) THEN
    PERFORM stage_counts_add(old_key, -1);
    IF new_key IS NOT NULL THEN
        PERFORM stage_counts_add(new_key, 1);
    END IF;
ELSE
    PERFORM stage_counts_add(new_key, 1);
    IF old_key IS NOT NULL THEN
        PERFORM stage_counts_add(old_key, -1);
    END IF;
END IF;
RETURN NULL;""",
            declare="old_key integer[];\nnew_key integer[];",
        ),
        ddl.pg_trigger(
            f"{t}_stage_counts_keep",
            f"AFTER DELETE OR UPDATE OF stage_id, {people}, deleted_at",
            t,
            f"{t}_stage_counts_keep",
        ),
        # New rows are counted once per statement: a bulk INSERT adds to each counter row once, not
        # once per row (a row's version each, which the next row's update walks past).
        ddl.pg_function(
            f"{t}_stage_counts_add",
            "INSERT INTO stage_counts (stage_id, person_1_id, person_2_id, person_3_id, subjects)\n"
            f"SELECT {', '.join(subject.key('added'))}, count(*) FROM added WHERE added.deleted_at IS NULL\n"
            "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4\n"
            "ON CONFLICT (stage_id, person_1_id, person_2_id, person_3_id)\n"
            "DO UPDATE SET subjects = stage_counts.subjects + EXCLUDED.subjects;\nRETURN NULL;",
        ),
        ddl.pg_trigger(
            f"{t}_stage_counts_add", "AFTER INSERT", t, f"{t}_stage_counts_add", "STATEMENT", new_table="added"
        ),
        ddl.pg_function(
            f"{t}_stage_counts_clear",
            "DELETE FROM stage_counts WHERE stage_id IN (SELECT stages.id FROM stages"
            f" JOIN pipelines ON pipelines.id = stages.pipeline_id WHERE pipelines.subject_type = '{x}');\nRETURN NULL;",
        ),
        ddl.pg_trigger(f"{t}_stage_counts_clear", "AFTER TRUNCATE", t, f"{t}_stage_counts_clear", "STATEMENT"),
        # Responsibles follow the subject's stage; a new one reads it FOR SHARE, so a move that
        # commits meanwhile is waited for and a row cannot keep a stage the subject has left.
        ddl.pg_function(
            f"{t}_responsibles_follow",
            "UPDATE stage_responsibles SET subject_stage_id = CASE WHEN NEW.deleted_at IS NULL THEN NEW.stage_id END"
            f" WHERE subject_type = '{x}' AND subject_id = NEW.id;\nRETURN NULL;",
        ),
        ddl.pg_trigger(
            f"{t}_responsibles_follow",
            "AFTER UPDATE OF stage_id, deleted_at",
            t,
            f"{t}_responsibles_follow",
            condition="OLD.stage_id IS DISTINCT FROM NEW.stage_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)",
        ),
        ddl.pg_function(
            f"{t}_responsibles_stage",
            f"NEW.subject_stage_id := (SELECT stage_id FROM {t} WHERE id = NEW.subject_id AND deleted_at IS NULL"
            " FOR SHARE);\nRETURN NEW;",
        ),
        ddl.pg_trigger(
            f"{t}_responsibles_stage",
            "BEFORE INSERT OR UPDATE OF subject_id, subject_stage_id",
            "stage_responsibles",
            f"{t}_responsibles_stage",
            condition=f"pg_trigger_depth() = 0 AND NEW.subject_type = '{x}'",
        ),
        ddl.pg_function(
            f"{t}_responsibles_forget",
            f"DELETE FROM stage_responsibles WHERE subject_type = '{x}' AND subject_id = OLD.id;\nRETURN NULL;",
        ),
        ddl.pg_trigger(f"{t}_responsibles_forget", "AFTER DELETE", t, f"{t}_responsibles_forget"),
        # Task copies of the people. The open task is locked first, like a move does, so a renewal
        # that has not committed yet cannot interleave with the copy.
        ddl.pg_function(
            f"{t}_stage_task_people",
            f"SELECT {people} INTO {slots} FROM {t} WHERE id = NEW.subject_id;\nRETURN NEW;",
        ),
        ddl.pg_trigger(
            f"{t}_stage_task_people",
            "BEFORE INSERT",
            "stage_tasks",
            f"{t}_stage_task_people",
            condition=f"NEW.subject_type = '{x}'",
        ),
        ddl.pg_function(
            f"{t}_stage_tasks_follow_people",
            f"PERFORM 1 FROM stage_tasks WHERE subject_type = '{x}' AND subject_id = NEW.id AND closed_at IS NULL"
            f" FOR UPDATE;\nUPDATE stage_tasks SET {set_people} WHERE subject_type = '{x}' AND subject_id = NEW.id;"
            "\nRETURN NULL;",
        ),
        ddl.pg_trigger(
            f"{t}_stage_tasks_follow_people",
            f"AFTER UPDATE OF {people}",
            t,
            f"{t}_stage_tasks_follow_people",
            condition=people_changed,
        ),
    ]


POSTGRESQL_TRIGGERS = (
    ("stage_tasks_follow_people", None),
    ("stage_task_people", "stage_tasks"),
    ("responsibles_forget", None),
    ("responsibles_stage", "stage_responsibles"),
    ("responsibles_follow", None),
    ("stage_counts_clear", None),
    ("stage_counts_add", None),
    ("stage_counts_keep", None),
)


def postgresql_down(subject):
    t = subject.table
    triggers = [(f"{t}_{name}", table or t) for name, table in POSTGRESQL_TRIGGERS]
    return [ddl.pg_drop_trigger(name, table) for name, table in triggers] + [
        ddl.pg_drop_function(name) for name, _table in triggers
    ]


def _sqlite_counter(subject, row, delta):
    """Statements adding `delta` (+1/-1) to the counter row of `row` (NEW/OLD) when it is live."""
    key = subject.key(row)
    match = " AND ".join(f"{column} = {value}" for column, value in zip(("stage_id", *SLOT_COLUMNS), key, strict=True))
    live = f"{row}.deleted_at IS NULL"
    update = f"UPDATE stage_counts SET subjects = subjects + ({delta}) WHERE {live} AND {match};"
    if delta < 0:
        return update
    insert = (
        "INSERT INTO stage_counts (stage_id, person_1_id, person_2_id, person_3_id, subjects) "
        f"SELECT {', '.join(key)}, 0 WHERE {live} AND NOT EXISTS (SELECT 1 FROM stage_counts WHERE {match});"
    )
    return f"{insert}\n{update}"


def sqlite_up(subject):
    """The statements creating the subject's triggers on SQLite (a transaction holds the whole
    database there, so no lock order to keep)."""
    t, x = subject.table, subject.subject_type
    people = ", ".join(subject.people)
    moved = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in ("stage_id", *subject.people, "deleted_at"))
    people_changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in subject.people)
    copy = ", ".join(
        f"{slot} = (SELECT {column} FROM {t} WHERE id = NEW.subject_id)" for slot, column in subject.slot_pairs()
    )
    follow = ", ".join(f"{slot} = NEW.{column}" for slot, column in subject.slot_pairs())
    subject_stage = (
        f"UPDATE stage_responsibles SET subject_stage_id = (SELECT stage_id FROM {t} "
        "WHERE id = NEW.subject_id AND deleted_at IS NULL) "
        "WHERE subject_type = NEW.subject_type AND subject_id = NEW.subject_id AND stage_id = NEW.stage_id;"
    )
    return [
        ddl.sqlite_trigger(f"{t}_stage_counts_insert", "AFTER INSERT", t, _sqlite_counter(subject, "NEW", 1)),
        ddl.sqlite_trigger(f"{t}_stage_counts_delete", "AFTER DELETE", t, _sqlite_counter(subject, "OLD", -1)),
        ddl.sqlite_trigger(
            f"{t}_stage_counts_update",
            f"AFTER UPDATE OF stage_id, {people}, deleted_at",
            t,
            f"{_sqlite_counter(subject, 'OLD', -1)}\n{_sqlite_counter(subject, 'NEW', 1)}",
            condition=moved,
        ),
        ddl.sqlite_trigger(
            f"{t}_responsibles_follow",
            "AFTER UPDATE OF stage_id, deleted_at",
            t,
            "UPDATE stage_responsibles SET subject_stage_id = CASE WHEN NEW.deleted_at IS NULL THEN NEW.stage_id END"
            f" WHERE subject_type = '{x}' AND subject_id = NEW.id;",
            condition="OLD.stage_id IS NOT NEW.stage_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)",
        ),
        ddl.sqlite_trigger(
            f"{t}_responsibles_stage_insert",
            "AFTER INSERT",
            "stage_responsibles",
            subject_stage,
            condition=f"NEW.subject_type = '{x}'",
        ),
        ddl.sqlite_trigger(
            f"{t}_responsibles_stage_update",
            "AFTER UPDATE OF subject_id",
            "stage_responsibles",
            subject_stage,
            condition=f"NEW.subject_type = '{x}'",
        ),
        ddl.sqlite_trigger(
            f"{t}_responsibles_forget",
            "AFTER DELETE",
            t,
            f"DELETE FROM stage_responsibles WHERE subject_type = '{x}' AND subject_id = OLD.id;",
        ),
        ddl.sqlite_trigger(
            f"{t}_stage_task_people",
            "AFTER INSERT",
            "stage_tasks",
            f"UPDATE stage_tasks SET {copy} WHERE id = NEW.id;",
            condition=f"NEW.subject_type = '{x}'",
        ),
        ddl.sqlite_trigger(
            f"{t}_stage_tasks_follow_people",
            f"AFTER UPDATE OF {people}",
            t,
            f"UPDATE stage_tasks SET {follow} WHERE subject_type = '{x}' AND subject_id = NEW.id;",
            condition=people_changed,
        ),
    ]


SQLITE_TRIGGERS = (
    "stage_tasks_follow_people",
    "stage_task_people",
    "responsibles_forget",
    "responsibles_stage_update",
    "responsibles_stage_insert",
    "responsibles_follow",
    "stage_counts_update",
    "stage_counts_delete",
    "stage_counts_insert",
)


def sqlite_down(subject):
    return [ddl.sqlite_drop_trigger(f"{subject.table}_{name}") for name in SQLITE_TRIGGERS]


def up(dialect, subject):
    return postgresql_up(subject) if dialect == "postgresql" else sqlite_up(subject)


def down(dialect, subject):
    return postgresql_down(subject) if dialect == "postgresql" else sqlite_down(subject)
