"""A task's files, by the documents' rules (services.platform.uploads): added by its parties and
watchers, downloaded by whoever sees the task, deleted softly by who added it or the author."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from models.base import utcnow
from models.tasks.task import TaskAttachment
from services.platform import uploads
from services.tasks import followers, operations

FILES_MAX = 30


class AttachmentError(operations.TaskError):
    pass


def of_task(task):
    query = select(TaskAttachment).where(TaskAttachment.task_id == task.id, TaskAttachment.deleted_at.is_(None))
    return db.session.scalars(query.order_by(TaskAttachment.id).limit(FILES_MAX)).all()


def add(task, upload, by):
    if not followers.may_take_part(by, task):
        raise AttachmentError(_l("Only the task's people add files to it."), status=403)
    if len(of_task(task)) >= FILES_MAX:
        raise AttachmentError(_l("A task has at most %(count)s files.", count=FILES_MAX))
    stored = uploads.store(upload, by, refusal=AttachmentError)
    attachment = TaskAttachment(task_id=task.id, file_id=stored.id, created_by_id=by.id)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def visible(user, attachment_id):
    """The live attachment with this id if `user` sees its task, else None."""
    attachment = db.session.scalar(
        select(TaskAttachment).where(TaskAttachment.id == attachment_id, TaskAttachment.deleted_at.is_(None))
    )
    if attachment is None or operations.get_visible(user, attachment.task_id) is None:
        return None
    return attachment


def may_delete(user, attachment, task):
    return user.id in (attachment.created_by_id, task.author_id)


def delete(attachment, task, by):
    if not may_delete(by, attachment, task):
        raise AttachmentError(_l("Only who added the file or the task's author deletes it."), status=403)
    attachment.deleted_at = utcnow()
    db.session.flush()
