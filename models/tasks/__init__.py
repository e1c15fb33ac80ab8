"""Ordinary tasks, their comments, attachments, watchers and repetitions."""

from models.tasks.task import REPEATS, Task, TaskAttachment, TaskComment, TaskRecurrence, TaskWatcher

__all__ = [
    "REPEATS",
    "Task",
    "TaskAttachment",
    "TaskComment",
    "TaskRecurrence",
    "TaskWatcher",
]
