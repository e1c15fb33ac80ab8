"""The tasks section: incoming, outgoing and (owner) all ordinary tasks, the auto-tasks tab (the
pipeline's stage-task history), the create/edit form and the task page with status and comments.
Rules and queries live in services/tasks/operations.py; this file parses input and renders."""

import json
from datetime import timedelta

from flask import abort, flash, jsonify, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin_views.base import SecuredView
from admin_views.tasks.auto_rows import auto_task_rows
from admin_views.tasks.task_parts import TaskPartsMixin
from extensions import db
from forms.tasks.task_forms import CommentForm, NewTaskForm, TaskForm
from models.base import utcnow
from services import pipeline
from services.platform import access, audit, unit_of_work
from services.platform.timezones import to_local
from services.tasks import attachments, auto_tasks, followers, repeats
from services.tasks import lists as task_lists
from services.tasks import operations as tasks

TAB_LABELS = {
    "all": _l("All tasks"),
    "incoming": _l("Incoming"),
    "outgoing": _l("Outgoing"),
    "team": _l("My team"),
    "watching": _l("Following"),
    "auto": _l("Auto-tasks"),
}
FILTER_LABELS = {
    "from": _l("From"),
    "to": _l("To"),
    "author": _l("Author"),
    "responsible": _l("Responsible"),
    "status": _l("Status"),
    "state": _l("Status"),
    "seq": _l("Step"),
    "stage": _l("Stage"),
    "card": _l("Card"),
    "before": _l("Page"),
    "after": _l("Page"),
}
FORM_FIELDS = {"card": "card_id", "client": "client_id"}
PICKERS = {"card": tasks.CARD, "client": tasks.CLIENT}


class TasksView(TaskPartsMixin, SecuredView):
    permission = "tasks.view"
    state_classes = tasks.STATE_CLASSES
    status_labels = tasks.STATUS_LABELS

    def tabs(self):
        """(code, label, url) of the tabs this user may open."""
        result = []
        if access.can(current_user, "tasks.view_all"):
            result.append(("all", TAB_LABELS["all"], self.get_url(".index", tab="all")))
        result.append(("incoming", TAB_LABELS["incoming"], self.get_url(".index")))
        result.append(("outgoing", TAB_LABELS["outgoing"], self.get_url(".index", tab="outgoing")))
        if tasks.has_team(current_user):
            result.append(("team", TAB_LABELS["team"], self.get_url(".index", tab="team")))
        result.append(("watching", TAB_LABELS["watching"], self.get_url(".index", tab="watching")))
        if access.can(current_user, "cards.view"):
            result.append(("auto", TAB_LABELS["auto"], self.get_url(".auto")))
        return result

    def _errors(self, error):
        return {FILTER_LABELS.get(name, name): message for name, message in error.errors.items()}

    # --- the lists ----------------------------------------------------------------------------------

    @expose("/")
    def index(self):
        tab = request.args.get("tab") or "incoming"
        if tab == "auto":
            return redirect(self.get_url(".auto"))
        filters = task_lists.TaskFilters.from_args(request.args)
        context = {"tab": tab, "filters": filters, "rows": [], "next_before": None, "errors": {}}
        try:
            context["rows"], context["next_before"] = task_lists.task_page(current_user, tab, filters)
        except tasks.TaskError as error:
            if error.status != 400 or not error.errors:
                abort(error.status)
            context["errors"] = self._errors(error)
        return self.render(
            "admin/tasks/index.html",
            tabs=self.tabs(),
            now=utcnow(),
            people=task_lists.filter_people(current_user),
            statuses=tasks.STATUS_LABELS,
            **context,
        ), (400 if context["errors"] else 200)

    @expose("/auto/")
    def auto(self):
        filters = auto_tasks.AutoFilters.from_args(request.args)
        rows, next_after, errors = [], None, {}
        try:
            rows, next_after = auto_tasks.auto_task_page(current_user, filters)
        except tasks.TaskError as error:
            if error.status != 400 or not error.errors:
                abort(error.status)
            errors = self._errors(error)
        labels, fields = pipeline.stage_labels(), pipeline.stage_fields()
        people = pipeline.people_names(rows, lambda row: fields.get(row.stage_id, ()))
        return self.render(
            "admin/tasks/auto.html",
            tab="auto",
            tabs=self.tabs(),
            filters=filters,
            rows=auto_task_rows(rows, labels, fields, people, self.get_url(".auto", card="")),
            card_number=tasks.card_number_of(current_user, filters.card_id) if filters.card_id else "",
            next_after=next_after,
            errors=errors,
            now=utcnow(),
            people=task_lists.filter_people(current_user),
            stages=auto_tasks.pipeline_stages(labels),
            states=auto_tasks.AUTO_STATES,
        ), (400 if errors else 200)

    # --- create and edit ----------------------------------------------------------------------------

    def _form(self, task=None):
        form = NewTaskForm() if task is None else TaskForm(obj=task) if request.method == "GET" else TaskForm()
        form.assignee_id.choices = [(u.id, u.display_name) for u in tasks.assignable_users(current_user)]
        if task is not None and task.assignee_id not in {c[0] for c in form.assignee_id.choices}:
            form.assignee_id.choices.append((task.assignee_id, task.assignee.display_name))
        if request.method == "GET":
            if task is None:
                form.assignee_id.data = current_user.id
                form.deadline.data = to_local(utcnow() + timedelta(days=1)).replace(
                    tzinfo=None, second=0, microsecond=0
                )
                for name, subject_type in PICKERS.items():
                    subject_id = tasks.parse_id(request.args.get(name))
                    chosen = tasks.subject_choice(current_user, subject_type, subject_id)
                    form[f"{name}_id"].data = str(subject_id) if chosen else ""
            else:
                form.deadline.data = to_local(task.deadline).replace(tzinfo=None)
                form.card_id.data = str(task.card_id or "")
                form.client_id.data = str(task.client_id or "")
                form.version.data = str(task.version)
        return form

    def _chosen(self, form, name, task=None):
        """[id, label] of the card or client the form holds, for its picker to show (a task's own
        stays shown to its editor even if it is no longer among his)."""
        subject_id = tasks.parse_id(form[f"{name}_id"].data)
        choice = tasks.subject_choice(current_user, PICKERS[name], subject_id)
        if choice is None and task is not None and getattr(task, f"{name}_id") == subject_id and subject_id:
            choice = (subject_id, tasks.subject_label(task, name))
        return list(choice) if choice else None

    def _choices(self, subject_type):
        page = tasks.parse_id(request.args.get("page")) or 1
        found = tasks.subject_choices(current_user, subject_type, request.args.get("query", ""), page=min(page, 100))
        return jsonify(found)

    @expose("/cards")
    def card_choices(self):
        """The task form's card picker: the user's cards found by `query`, as [[id, label], ...]."""
        return self._choices(tasks.CARD)

    @expose("/clients")
    def client_choices(self):
        """The task form's client picker: the user's clients found by `query`, as [[id, label], ...]."""
        return self._choices(tasks.CLIENT)

    def _values(self, form):
        """The form's input for the service, which checks it (the card and client among the user's)."""
        return {
            "title": form.title.data,
            "description": form.description.data,
            "assignee_id": form.assignee_id.data,
            "deadline": tasks.local_to_utc(form.deadline.data),
            "card_id": (form.card_id.data or "").strip() or None,
            "client_id": (form.client_id.data or "").strip() or None,
        }

    def _form_page(self, form, task, status):
        chosen = {name: json.dumps(self._chosen(form, name, task)) for name in PICKERS}
        page = self.render("admin/tasks/form.html", form=form, task=task, tabs=self.tabs(), tab=None, chosen=chosen)
        return page, status

    def _refused(self, form, error):
        for name, message in error.errors.items():
            target = form._fields.get(FORM_FIELDS.get(name, name))
            if target is not None:
                target.errors = [*target.errors, str(message)]
        flash(str(error.message), "error")

    @expose("/new/", methods=("GET", "POST"))
    def create(self):
        form = self._form()
        if form.validate_on_submit():
            try:
                task = tasks.create(current_user, **self._values(form))
                if form.repeat.data:
                    repeats.start(task, form.repeat.data, form.repeat_until.data, current_user)
            except tasks.TaskError as error:
                db.session.rollback()
                if error.status != 400:
                    abort(error.status)
                self._refused(form, error)
            else:
                unit_of_work.commit(keep=current_user)
                flash(_("Task created."), "success")
                return redirect(self.get_url(".task", task_id=task.id))
        return self._form_page(form, None, 400 if request.method == "POST" else 200)

    def _task(self, task_id):
        task = tasks.get_visible(current_user, task_id)
        if task is None:
            abort(404)  # a task outside the scope looks exactly like a missing one
        return task

    def _version(self):
        text = (request.form.get("version") or "").strip()
        return tasks.parse_id(text)

    @expose("/<id:task_id>/edit/", methods=("GET", "POST"))
    def edit(self, task_id):
        task = self._task(task_id)
        if not tasks.may_edit(current_user, task):
            abort(403)
        form = self._form(task)
        if form.validate_on_submit():
            try:
                tasks.update(task, current_user, self._version(), **self._values(form))
            except tasks.TaskError as error:
                db.session.rollback()
                if error.status not in (400, 409):
                    abort(error.status)
                self._refused(form, error)
                if error.status == 409:
                    return self._form_page(form, task, 409)
            else:
                unit_of_work.commit(keep=current_user)
                flash(_("Task saved."), "success")
                return redirect(self.get_url(".task", task_id=task.id))
        return self._form_page(form, task, 400 if request.method == "POST" else 200)

    # --- the task page ------------------------------------------------------------------------------

    def history_of(self, model):
        from admin_views.change_words import record_history

        return record_history(model.__tablename__, model.id, audit.history(model.__tablename__, model.id))

    def _render_task(self, task, comment_form=None, status=200):
        recurrence = repeats.of_task(task)
        return self.render(
            "admin/tasks/task.html",
            task=task,
            model=task,
            now=utcnow(),
            tabs=self.tabs(),
            tab=None,
            moves=tasks.allowed_statuses(current_user, task),
            may_edit=tasks.may_edit(current_user, task),
            comment_form=comment_form or CommentForm(),
            may_see_card=task.card_id is not None and access.can(current_user, "cards.view"),
            client_name=tasks.subject_choice(current_user, tasks.CLIENT, task.client_id) if task.client_id else None,
            client_label=tasks.subject_label(task, "client"),
            watchers=followers.watchers_of(task),
            watcher_choices=followers.candidates(current_user, task),
            may_take_part=followers.may_take_part(current_user, task),
            files=attachments.of_task(task),
            may_delete_file=lambda item: attachments.may_delete(current_user, item, task),
            recurrence=recurrence,
            repeat_labels=repeats.REPEAT_LABELS,
            may_stop_repeating=recurrence is not None and repeats.may_stop(current_user, recurrence),
        ), status

    @expose("/<id:task_id>/")
    def task(self, task_id):
        return self._render_task(self._task(task_id))

    @expose("/<id:task_id>/status", methods=("POST",))
    def status(self, task_id):
        task = self._task(task_id)
        try:
            tasks.set_status(task, request.form.get("status", ""), current_user, self._version())
        except tasks.TaskError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return self._render_task(db.session.get(type(task), task.id), status=error.status)
        unit_of_work.commit(keep=current_user)
        flash(_("Status changed."), "success")
        return redirect(self.get_url(".task", task_id=task.id))

    @expose("/<id:task_id>/comment", methods=("POST",))
    def comment(self, task_id):
        task = self._task(task_id)
        form = CommentForm()
        if form.validate_on_submit():
            try:
                tasks.comment(task, current_user, form.body.data)
            except tasks.TaskError as error:
                db.session.rollback()
                form.body.errors = [*form.body.errors, str(error.message)]
            else:
                unit_of_work.commit(keep=current_user)
                return redirect(self.get_url(".task", task_id=task.id) + "#comments")
        return self._render_task(task, comment_form=form, status=400)
