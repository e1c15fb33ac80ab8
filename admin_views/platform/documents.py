"""An employee's documents (/admin/documents/): one's own, and a leader's people's."""

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from admin_views.base import SecuredView, parse_id
from extensions import db
from models.platform.user import User
from services.platform import access, people_choices, unit_of_work, uploads
from services.platform import employee_documents as documents


class EmployeeDocumentsView(SecuredView):
    permission = "dashboard.view"

    def _person(self, person_id=None):
        if person_id is None:
            person_id = parse_id(request.args.get("person")) if request.args.get("person") else current_user.id
        person = db.session.get(User, person_id) if person_id else None
        if person is None or person.deleted_at is not None or not access.sees_person(current_user, person.id):
            abort(404)
        return person

    def _page(self, person, status=200):
        people = people_choices.seen_by(current_user)
        page = self.render("admin/platform/documents.html", person=person, documents=documents.of_person(person),
                           may_change=documents.may_change(current_user, person), people=people)  # fmt: skip
        return page, status

    @expose("/")
    def index(self):
        return self._page(self._person())

    @expose("/<id:person_id>/upload", methods=("POST",))
    def upload(self, person_id):
        person = self._person(person_id)
        try:
            documents.add(person, request.files.get("file"), current_user)
        except documents.DocumentError as error:
            db.session.rollback()
            if error.status == 403:
                abort(403)
            flash(str(error.message), "error")
            return self._page(person, 422)
        unit_of_work.commit(keep=current_user)
        flash(_("The document is added."), "success")
        return redirect(self.get_url(".index", person=person.id if person.id != current_user.id else None))

    @expose("/file/<id:document_id>")
    def download(self, document_id):
        document = documents.visible(current_user, document_id)
        if document is None:
            abort(404)
        return uploads.download(document.file)

    @expose("/file/<id:document_id>/delete", methods=("POST",))
    def delete(self, document_id):
        document = documents.visible(current_user, document_id)
        if document is None:
            abort(404)
        person = db.session.get(User, document.user_id)
        try:
            documents.delete(document, person, current_user)
        except documents.DocumentError:
            abort(403)
        unit_of_work.commit(keep=current_user)
        flash(_("The document is deleted."), "success")
        return redirect(self.get_url(".index", person=person.id if person.id != current_user.id else None))
