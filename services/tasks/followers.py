"""A task's watchers and what its people hear of it.

The parties of a task (its author and its responsible person) add watchers: anyone they may set
tasks to, or their own leaders up the tree (a person asks his boss to follow). A watcher sees the
task, comments, adds files, and hears of its comments and status changes like the parties; he
leaves by himself, or the author takes him off."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from models.platform.user import User
from models.tasks.task import TaskWatcher
from services.platform import hierarchy, notifications
from services.platform.errors import parse_id
from services.tasks import operations

WATCHERS_MAX = 50


class FollowerError(operations.TaskError):
    pass


def watchers_of(task):
    """[TaskWatcher] of the task, by name."""
    rows = db.session.scalars(select(TaskWatcher).where(TaskWatcher.task_id == task.id)).all()
    return sorted(rows, key=lambda row: (row.user.full_name or row.user.username).lower())


def is_party(user, task):
    return user.id in (task.author_id, task.assignee_id)


def may_take_part(user, task):
    """Parties and watchers comment, add files and add watchers (watchers: only the parties)."""
    return is_party(user, task) or user.id in operations.watcher_ids(task.id)


def candidates(user, task):
    """[(id, name)] of the people `user` may add as watchers of `task`: those he may set tasks to and
    his leaders, active, not yet in the task."""
    if not is_party(user, task) and not operations.may_assign_any(user):
        return []
    taken = operations.watcher_ids(task.id) | {task.author_id, task.assignee_id}
    people = {person.id: person.display_name for person in operations.assignable_users(user)}
    leaders = hierarchy.leader_ids([user.id]) - set(people)
    if leaders:
        query = select(User).where(User.id.in_(sorted(leaders)), User.deleted_at.is_(None), User.is_blocked.is_(False))
        people.update({person.id: person.display_name for person in db.session.scalars(query)})
    return sorted(((pid, name) for pid, name in people.items() if pid not in taken), key=lambda item: item[1].lower())


def add(task, user_id, by):
    if not is_party(by, task) and not operations.may_assign_any(by):
        raise FollowerError(_l("Only the task's author and responsible person add watchers."), status=403)
    person_id = parse_id(user_id)
    if person_id is None or person_id not in {pid for pid, _name in candidates(by, task)}:
        raise FollowerError(
            _l("You may not add this person."), errors={"user_id": _l("Choose a person from the list.")}
        )
    if len(operations.watcher_ids(task.id)) >= WATCHERS_MAX:
        raise FollowerError(_l("A task has at most %(count)s watchers.", count=WATCHERS_MAX))
    db.session.add(TaskWatcher(task_id=task.id, user_id=person_id, added_by_id=by.id))
    db.session.flush()
    notifications.notify([person_id], "tasks.watching", link=f"/admin/tasks/{task.id}/", exclude=by.id,
                         author=by.display_name, title=task.title)  # fmt: skip


def remove(task, user_id, by):
    person_id = parse_id(user_id)
    row = db.session.get(TaskWatcher, (task.id, person_id)) if person_id else None
    if row is None:
        raise FollowerError(_l("This person does not follow the task."), status=404)
    if by.id not in (person_id, task.author_id) and not operations.may_assign_any(by):
        raise FollowerError(_l("Only the author takes watchers off; a watcher may leave by himself."), status=403)
    db.session.delete(row)
    db.session.flush()
