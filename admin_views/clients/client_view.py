"""The clients section (/admin/clients/): the list with its filters, the new and edit forms (a known
phone or e-mail shows the client who has it instead of making a second one), and each client's
page with its tabs. Rules live in services/clients; this file parses input and renders."""

import io
import json

from flask import abort, flash, jsonify, redirect, request, send_file
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from admin_views.base import SecuredView, parse_id
from admin_views.change_words import record_history
from admin_views.ledger.rules import KIND_LABELS
from admin_views.pipeline import subject_pages
from extensions import db
from forms.clients.client_form import ClientForm
from models.base import utcnow
from models.clients import CLIENTS_PIPELINE, Client
from models.pipeline import StageTask
from services import ledger, pipeline
from services.clients import choices as client_choices
from services.clients import documents as client_documents
from services.clients import dossier as client_dossier
from services.clients import events as client_events
from services.clients import invoice_lists
from services.clients import invoices as invoice_rules
from services.clients import lists as client_lists
from services.clients import operations as clients
from services.exports import registry as export_registry
from services.ledger import rules as ledger_rules
from services.pipeline import subjects
from services.platform import access, audit, people_choices, unit_of_work, uploads

SUBJECT = Client.__subject_type__
TABS = (
    ("overview", _l("Overview")),
    ("stages", _l("Stage history")),
    ("responsibles", _l("Responsible employees")),
    ("events", _l("Events")),
    ("invoices", _l("Invoices")),
    ("points", _l("Points")),
    ("documents", _l("Documents")),
    ("history", _l("Changes")),
)


class ClientView(SecuredView):
    permission = "clients.view"

    def scoped_client(self, client_id, *options):
        client = clients.visible_client(current_user, client_id, *options)
        if client is None:
            abort(404)  # another's client looks exactly like a missing one
        return client

    def may(self, permission, client=None):
        return access.can(current_user, permission, client)

    # --- the list ---------------------------------------------------------------------------------

    @expose("/")
    def index_view(self):
        filters = client_lists.ListFilters.from_args(request.args)
        after = parse_id(request.args.get("after")) if request.args.get("after") else None
        if request.args.get("after") and after is None:
            abort(400)
        rows, next_after = client_lists.rows(current_user, filters, after)
        return self.render(
            "admin/clients/index.html",
            rows=rows,
            filters=filters,
            next_after=next_after,
            paged=after is not None,
            stages=pipeline.stage_labels(CLIENTS_PIPELINE),
            buckets=client_lists.BUCKET_LABELS,
            people=people_choices.seen_by(current_user),
            offices=client_choices.offices_seen(current_user),
            departments=client_choices.departments_seen(current_user),
        )

    # --- the forms --------------------------------------------------------------------------------

    def _form(self, client=None):
        form = ClientForm(obj=client) if request.method == "GET" else ClientForm()
        form.office_id.choices = [("", "—"), *((str(i), name) for i, name in client_choices.offices_seen(current_user))]
        people = people_choices.seen_by(current_user)
        if client is not None and client.responsible_id and all(i != client.responsible_id for i, _n in people):
            people = [(client.responsible_id, str(client.responsible)), *people]
        form.responsible_id.choices = [("", "—"), *((str(i), name) for i, name in people)]
        if request.method == "GET":
            form.office_id.data = str(client.office_id) if client is not None and client.office_id else ""
            chosen = client.responsible_id if client is not None else current_user.id
            form.responsible_id.data = str(chosen) if chosen else ""
            form.referrer_id.data = str(client.referrer_id) if client is not None and client.referrer_id else ""
            if client is not None:
                form.version.data = str(client.version)
        return form

    def _form_page(self, form, client, same=(), status=200):
        referrer = parse_id(form.referrer_id.data)
        chosen = subjects.choice_of(current_user, "client", referrer) if referrer else None
        page = self.render(
            "admin/clients/form.html", form=form, client=client, same=same, referrer_json=json.dumps(chosen)
        )
        return page, status

    def _refused(self, form, client, error):
        for name, message in error.errors.items():
            if name in form:
                form[name].errors = [*form[name].errors, str(message)]
        flash(str(error.message), "error")
        return self._form_page(form, client, same=error.same, status=error.status if error.status != 400 else 422)

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        if not self.may("clients.create"):
            abort(403)
        form = self._form()
        if request.method == "POST":
            if not form.validate():
                return self._form_page(form, None, status=422)
            try:
                client = clients.create(current_user, **form.values())
            except clients.ClientError as error:
                db.session.rollback()
                return self._refused(form, None, error)
            unit_of_work.commit(keep=current_user)
            flash(_("The client is added."), "success")
            return redirect(self.get_url(".client_page", client_id=client.id))
        return self._form_page(form, None)

    @expose("/<id:client_id>/edit", methods=("GET", "POST"))
    def edit_view(self, client_id):
        client = self.scoped_client(client_id)
        if not self.may("clients.edit", client):
            abort(403)
        form = self._form(client)
        if request.method == "POST":
            if not form.validate():
                return self._form_page(form, client, status=422)
            try:
                clients.update(client, current_user, form.version.data, **form.values())
            except clients.ClientError as error:
                db.session.rollback()
                return self._refused(form, client, error)
            unit_of_work.commit(keep=current_user)
            flash(_("The client is saved."), "success")
            return redirect(self.get_url(".client_page", client_id=client_id))
        return self._form_page(form, client)

    @expose("/<id:client_id>/delete", methods=("POST",))
    def delete_view(self, client_id):
        client = self.scoped_client(client_id)
        try:
            clients.delete(client, current_user)
        except clients.ClientError as error:
            abort(error.status)
        unit_of_work.commit(keep=current_user)
        flash(_("The client is deleted. His history is kept."), "success")
        return redirect(self.get_url(".index_view"))

    @expose("/choices")
    def choices(self):
        """The referrer picker: the user's clients found by `query`, as [[id, label], ...]."""
        page = min(parse_id(request.args.get("page")) or 1, 100)
        found = subjects.choices(current_user, "client", request.args.get("query", ""), offset=(page - 1) * 10)
        return jsonify(found)

    # --- a client's page --------------------------------------------------------------------------

    @expose("/<id:client_id>/")
    def client_page(self, client_id):
        tab = request.args.get("tab", "overview")
        tabs = subject_pages.tabs_with(SUBJECT, TABS)
        if tab not in dict(tabs):
            abort(404)
        client = self.scoped_client(client_id)
        badges = subject_pages.badges_of(SUBJECT, client)
        context = {"client": client, "tab": tab, "tabs": tabs, "now": utcnow(), "badges": badges}
        extra = subject_pages.tab(SUBJECT, tab)
        if extra is not None:
            context.update(extra.context(client), tab_template=extra.template, tab_script=extra.script)
        if tab == "overview":
            referrer = clients.visible_client(current_user, client.referrer_id) if client.referrer_id else None
            authors = people_choices.names_of({client.created_by_id, client.updated_by_id} - {None})
            context.update(referrer=referrer, task=pipeline.open_task(client), authors=authors)
        elif tab == "stages":
            context["rows"] = self._stage_rows(client)
        elif tab == "responsibles":
            context["stretches"] = clients.responsible_history(client)
        elif tab == "events":
            context["events"] = client_events.of_client(client)
        elif tab == "invoices":
            context["invoices"] = invoice_lists.of_client(client)
            context["status_labels"] = invoice_rules.STATUS_LABELS
        elif tab == "documents":
            context["documents"] = client_documents.of_client(client)
        elif tab == "points":
            context.update(self._points(client))
        elif tab == "history":
            context["changes"] = record_history("clients", client.id, audit.history("clients", client.id))
        return self.render("admin/clients/client.html", **context)

    @expose("/<id:client_id>/dossier.xlsx")
    def dossier(self, client_id):
        """The client's dossier: his card and what the other domains keep of him (his chat), one
        sheet each, as the viewer sees him."""
        client = self.scoped_client(client_id)
        sections = [(part.title, part.columns, part.rows(client)) for part in subject_pages.dossier_sections(SUBJECT)]
        data = client_dossier.workbook(client, sections, export_registry.zone_of(current_user))
        name = export_registry.file_name(client.full_name, utcnow().strftime("%Y-%m-%d"), "xlsx")
        return send_file(io.BytesIO(data), as_attachment=True, download_name=name,
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip

    # --- documents ----------------------------------------------------------------------------------

    @expose("/<id:client_id>/documents", methods=("POST",))
    def upload_document(self, client_id):
        client = self.scoped_client(client_id)
        try:
            client_documents.add(client, request.files.get("file"), current_user)
        except client_documents.DocumentError as error:
            db.session.rollback()
            if error.status == 403:
                abort(403)
            flash(str(error.message), "error")
            page = self.render("admin/clients/client.html", client=client, tab="documents", tabs=subject_pages.tabs_with(SUBJECT, TABS),
                               now=utcnow(), documents=client_documents.of_client(client), badges={})  # fmt: skip
            return page, 422
        unit_of_work.commit(keep=current_user)
        flash(_("The document is added."), "success")
        return redirect(self.get_url(".client_page", client_id=client_id, tab="documents"))

    @expose("/documents/<id:document_id>")
    def document(self, document_id):
        document = client_documents.visible(current_user, document_id)
        if document is None:
            abort(404)
        return uploads.download(document.file)

    @expose("/documents/<id:document_id>/delete", methods=("POST",))
    def delete_document(self, document_id):
        document = client_documents.visible(current_user, document_id)
        if document is None:
            abort(404)
        try:
            client_documents.delete(document, current_user)
        except client_documents.DocumentError:
            abort(403)
        unit_of_work.commit(keep=current_user)
        flash(_("The document is deleted."), "success")
        return redirect(self.get_url(".client_page", client_id=document.client_id, tab="documents"))

    @staticmethod
    def _points(client):
        entries = {kind: ledger.history("client", client.id, kind, limit=100)[0] for kind in KIND_LABELS}
        rules = ledger_rules.names()
        balances = ledger.balances_of("client", {client.id}).get(client.id, {})
        return {"balances": balances, "entries": entries, "rule_names": rules, "kind_labels": KIND_LABELS}

    @staticmethod
    def _stage_rows(client):
        tasks = db.session.scalars(
            select(StageTask)
            .where(StageTask.subject_type == Client.__subject_type__, StageTask.subject_id == client.id)
            .options(joinedload(StageTask.stage))
            .order_by(StageTask.seq.desc())
        ).all()
        people = pipeline.people_names(tasks, lambda task: task.stage.fields)
        return [(task, pipeline.entered_values(task.values, task.stage.fields, people)) for task in tasks]
