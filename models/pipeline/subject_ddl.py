"""The database triggers that keep the engine's generic tables in step with one subject's table, made
from the subject's declaration (models/pipeline/subject.py) instead of written by hand per subject.

For a subject table T of type 'x' with people columns (p1, p2, p3 — at most PEOPLE_SLOTS):
- `stage_counts`: live subjects per (stage, p1, p2, p3), no person = 0; +1/-1 on every insert,
  delete, move, change of people or soft delete of a row of T;
- `stage_responsibles.subject_stage_id`: the subject's stage while it is live (NULL once deleted);
  a deleted row of T takes its responsibles with it;
- `stage_tasks.person_N_id`: every task of the subject (closed ones too) carries its people.

Whatever changes T — the ORM, a job's bulk UPDATE, psql — the triggers keep these in the same
transaction. Importable from migrations: it imports nothing of the application."""

import re
from dataclasses import dataclass

PEOPLE_SLOTS = 3
IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")
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
POSTGRESQL_SHARED_DOWN = ["DROP FUNCTION IF EXISTS stage_counts_add(integer[], integer)"]


@dataclass(frozen=True)
class SubjectTable:
    """What the triggers need of a subject: its table, its type and its people columns in slot order."""

    table: str
    subject_type: str
    people: tuple

    def __post_init__(self):
        # The names go into the DDL as they are: only plain identifiers are taken.
        for name in (self.table, self.subject_type, *self.people):
            if not IDENTIFIER.fullmatch(name):
                raise ValueError(f"not a plain identifier: {name!r}")
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
        f"""
CREATE FUNCTION {t}_stage_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_key integer[];
    new_key integer[];
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN
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
    RETURN NULL;
END $$
""",
        f"""
CREATE TRIGGER {t}_stage_counts_keep
AFTER INSERT OR DELETE OR UPDATE OF stage_id, {people}, deleted_at ON {t}
FOR EACH ROW EXECUTE FUNCTION {t}_stage_counts_keep()
""",
        f"""
CREATE FUNCTION {t}_stage_counts_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stage_counts WHERE stage_id IN (
        SELECT stages.id FROM stages JOIN pipelines ON pipelines.id = stages.pipeline_id
        WHERE pipelines.subject_type = '{x}');
    RETURN NULL;
END $$
""",
        f"CREATE TRIGGER {t}_stage_counts_clear AFTER TRUNCATE ON {t} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {t}_stage_counts_clear()",
        # Responsibles follow the subject's stage; a new one reads it FOR SHARE, so a move that
        # commits meanwhile is waited for and a row cannot keep a stage the subject has left.
        f"""
CREATE FUNCTION {t}_responsibles_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stage_responsibles SET subject_stage_id = CASE WHEN NEW.deleted_at IS NULL THEN NEW.stage_id END
    WHERE subject_type = '{x}' AND subject_id = NEW.id;
    RETURN NULL;
END $$
""",
        f"""
CREATE TRIGGER {t}_responsibles_follow AFTER UPDATE OF stage_id, deleted_at ON {t}
FOR EACH ROW
WHEN (OLD.stage_id IS DISTINCT FROM NEW.stage_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
EXECUTE FUNCTION {t}_responsibles_follow()
""",
        f"""
CREATE FUNCTION {t}_responsibles_stage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.subject_stage_id := (SELECT stage_id FROM {t} WHERE id = NEW.subject_id AND deleted_at IS NULL FOR SHARE);
    RETURN NEW;
END $$
""",
        f"""
CREATE TRIGGER {t}_responsibles_stage BEFORE INSERT OR UPDATE OF subject_id, subject_stage_id ON stage_responsibles
FOR EACH ROW WHEN (pg_trigger_depth() = 0 AND NEW.subject_type = '{x}')
EXECUTE FUNCTION {t}_responsibles_stage()
""",
        f"""
CREATE FUNCTION {t}_responsibles_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stage_responsibles WHERE subject_type = '{x}' AND subject_id = OLD.id;
    RETURN NULL;
END $$
""",
        f"CREATE TRIGGER {t}_responsibles_forget AFTER DELETE ON {t} "
        f"FOR EACH ROW EXECUTE FUNCTION {t}_responsibles_forget()",
        # Task copies of the people. The open task is locked first, like a move does, so a renewal
        # that has not committed yet cannot interleave with the copy.
        f"""
CREATE FUNCTION {t}_stage_task_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT {people} INTO {slots} FROM {t} WHERE id = NEW.subject_id;
    RETURN NEW;
END $$
""",
        f"""
CREATE TRIGGER {t}_stage_task_people BEFORE INSERT ON stage_tasks
FOR EACH ROW WHEN (NEW.subject_type = '{x}')
EXECUTE FUNCTION {t}_stage_task_people()
""",
        f"""
CREATE FUNCTION {t}_stage_tasks_follow_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM stage_tasks WHERE subject_type = '{x}' AND subject_id = NEW.id AND closed_at IS NULL FOR UPDATE;
    UPDATE stage_tasks SET {set_people} WHERE subject_type = '{x}' AND subject_id = NEW.id;
    RETURN NULL;
END $$
""",
        f"""
CREATE TRIGGER {t}_stage_tasks_follow_people AFTER UPDATE OF {people} ON {t}
FOR EACH ROW WHEN ({people_changed})
EXECUTE FUNCTION {t}_stage_tasks_follow_people()
""",
    ]


def postgresql_down(subject):
    t = subject.table
    triggers = [
        (f"{t}_stage_tasks_follow_people", t),
        (f"{t}_stage_task_people", "stage_tasks"),
        (f"{t}_responsibles_forget", t),
        (f"{t}_responsibles_stage", "stage_responsibles"),
        (f"{t}_responsibles_follow", t),
        (f"{t}_stage_counts_clear", t),
        (f"{t}_stage_counts_keep", t),
    ]
    return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in triggers] + [
        f"DROP FUNCTION IF EXISTS {name}()" for name, _table in triggers
    ]


def _sqlite_counter(subject, row, delta):
    """Statements adding `delta` (+1/-1) to the counter row of `row` (NEW/OLD) when it is live."""
    key = subject.key(row)
    match = " AND ".join(f"{column} = {value}" for column, value in zip(("stage_id", *SLOT_COLUMNS), key, strict=True))
    live = f"{row}.deleted_at IS NULL"
    update = f"UPDATE stage_counts SET subjects = subjects + ({delta}) WHERE {live} AND {match};"  # noqa: S608
    if delta < 0:
        return update
    insert = (
        "INSERT INTO stage_counts (stage_id, person_1_id, person_2_id, person_3_id, subjects) "  # noqa: S608
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
        f"UPDATE stage_responsibles SET subject_stage_id = (SELECT stage_id FROM {t} "  # noqa: S608
        "WHERE id = NEW.subject_id AND deleted_at IS NULL) "
        "WHERE subject_type = NEW.subject_type AND subject_id = NEW.subject_id AND stage_id = NEW.stage_id;"
    )
    return [
        f"CREATE TRIGGER {t}_stage_counts_insert AFTER INSERT ON {t} BEGIN\n{_sqlite_counter(subject, 'NEW', 1)}\nEND",
        f"CREATE TRIGGER {t}_stage_counts_delete AFTER DELETE ON {t} BEGIN\n{_sqlite_counter(subject, 'OLD', -1)}\nEND",
        f"CREATE TRIGGER {t}_stage_counts_update AFTER UPDATE OF stage_id, {people}, deleted_at ON {t} WHEN {moved}"
        f" BEGIN\n{_sqlite_counter(subject, 'OLD', -1)}\n{_sqlite_counter(subject, 'NEW', 1)}\nEND",
        f"CREATE TRIGGER {t}_responsibles_follow AFTER UPDATE OF stage_id, deleted_at ON {t}"
        " WHEN OLD.stage_id IS NOT NEW.stage_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) BEGIN\n"
        "UPDATE stage_responsibles SET subject_stage_id = CASE WHEN NEW.deleted_at IS NULL THEN NEW.stage_id END"
        f" WHERE subject_type = '{x}' AND subject_id = NEW.id;\nEND",
        f"CREATE TRIGGER {t}_responsibles_stage_insert AFTER INSERT ON stage_responsibles"
        f" WHEN NEW.subject_type = '{x}' BEGIN\n{subject_stage}\nEND",
        f"CREATE TRIGGER {t}_responsibles_stage_update AFTER UPDATE OF subject_id ON stage_responsibles"
        f" WHEN NEW.subject_type = '{x}' BEGIN\n{subject_stage}\nEND",
        f"CREATE TRIGGER {t}_responsibles_forget AFTER DELETE ON {t} BEGIN\n"
        f"DELETE FROM stage_responsibles WHERE subject_type = '{x}' AND subject_id = OLD.id;\nEND",
        f"CREATE TRIGGER {t}_stage_task_people AFTER INSERT ON stage_tasks WHEN NEW.subject_type = '{x}' BEGIN\n"
        f"UPDATE stage_tasks SET {copy} WHERE id = NEW.id;\nEND",
        f"CREATE TRIGGER {t}_stage_tasks_follow_people AFTER UPDATE OF {people} ON {t} WHEN {people_changed} BEGIN\n"
        f"UPDATE stage_tasks SET {follow} WHERE subject_type = '{x}' AND subject_id = NEW.id;\nEND",
    ]


def sqlite_down(subject):
    t = subject.table
    names = (
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
    return [f"DROP TRIGGER IF EXISTS {t}_{name}" for name in names]


def up(dialect, subject):
    return postgresql_up(subject) if dialect == "postgresql" else sqlite_up(subject)


def down(dialect, subject):
    return postgresql_down(subject) if dialect == "postgresql" else sqlite_down(subject)
