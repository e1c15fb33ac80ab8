"""The task page's side blocks: its watchers, its files and its repetition — each change refused
with the page again and its message, nothing kept; the tasks view (task_views.py) brings the page."""

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from extensions import db
from services.platform import unit_of_work, uploads
from services.tasks import attachments, followers, repeats
from services.tasks import operations as tasks


class TaskPartsMixin:
    def _task_change(self, task, change, done_message, anchor=""):
        """Run a change of the task page's side blocks (watchers, files, repetition); its refusal is
        the page again with the message and the refusal's status, nothing kept."""
        try:
            change()
        except tasks.TaskError as error:
            db.session.rollback()
            if error.status in (403, 404) and not error.errors:
                abort(error.status)
            flash(str(error.message), "error")
            return self._render_task(db.session.get(type(task), task.id), status=error.status)
        unit_of_work.commit(keep=current_user)
        flash(done_message, "success")
        return redirect(self.get_url(".task", task_id=task.id) + anchor)

    @expose("/<id:task_id>/watchers", methods=("POST",))
    def add_watcher(self, task_id):
        task = self._task(task_id)
        return self._task_change(
            task, lambda: followers.add(task, request.form.get("user_id"), current_user), _("The watcher is added."),
            "#watchers",
        )  # fmt: skip

    @expose("/<id:task_id>/watchers/remove", methods=("POST",))
    def remove_watcher(self, task_id):
        task = self._task(task_id)
        leaving = tasks.parse_id(request.form.get("user_id")) == current_user.id
        result = self._task_change(
            task, lambda: followers.remove(task, request.form.get("user_id"), current_user),
            _("You no longer follow the task.") if leaving else _("The watcher is taken off."), "#watchers",
        )  # fmt: skip
        if leaving and tasks.get_visible(current_user, task_id) is None:
            return redirect(self.get_url(".index"))
        return result

    @expose("/<id:task_id>/files", methods=("POST",))
    def add_file(self, task_id):
        task = self._task(task_id)
        return self._task_change(
            task, lambda: attachments.add(task, request.files.get("file"), current_user), _("The file is added."),
            "#files",
        )  # fmt: skip

    @expose("/files/<id:attachment_id>")
    def file(self, attachment_id):
        attachment = attachments.visible(current_user, attachment_id)
        if attachment is None:
            abort(404)
        return uploads.download(attachment.file)

    @expose("/files/<id:attachment_id>/delete", methods=("POST",))
    def delete_file(self, attachment_id):
        attachment = attachments.visible(current_user, attachment_id)
        if attachment is None:
            abort(404)
        task = self._task(attachment.task_id)
        return self._task_change(
            task, lambda: attachments.delete(attachment, task, current_user), _("The file is deleted."), "#files"
        )

    @expose("/<id:task_id>/repeat/stop", methods=("POST",))
    def stop_repeating(self, task_id):
        task = self._task(task_id)
        recurrence = repeats.of_task(task)
        if recurrence is None:
            abort(404)
        return self._task_change(
            task, lambda: repeats.stop(recurrence, current_user), _("The task will not be set again.")
        )
