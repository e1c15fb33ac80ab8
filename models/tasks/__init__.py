"""Ordinary tasks and their comments."""

from models.tasks.task import Task, TaskComment

__all__ = [
    "Task",
    "TaskComment",
]
