"""Imports of historical clients (/admin/imports/): upload a CSV or XLSX file, map its columns with a
preview, check it in the background (a dry run), download the rejected rows, then import the good
ones or cancel. Progress is polled from the page."""

import csv
import io

from flask import Response, abort, flash, jsonify, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from admin_views.base import SecuredView
from extensions import db, queues
from jobs import clients as client_jobs
from models.clients import ClientImport
from services.clients.imports import fields, reading, runs
from services.platform import access, unit_of_work, uploads

JOB_TIMEOUT = 3600
LIST_SIZE = 50


def _sniff(data):
    try:
        return reading.kind_of(data)
    except reading.TableError as error:
        raise uploads.UploadError(error.message) from None


TABLE_TYPES = {reading.XLSX: reading.XLSX, reading.CSV: "text/csv"}


class ImportView(SecuredView):
    permission = "clients.import"
    field_labels = fields.FIELDS

    def scoped_import(self, import_id):
        query = select(ClientImport).where(ClientImport.id == import_id)
        run = db.session.scalar(access.scope(current_user, query, ClientImport))
        if run is None:
            abort(404)
        return run

    @expose("/")
    def index(self):
        query = select(ClientImport).order_by(ClientImport.id.desc()).limit(LIST_SIZE)
        found = db.session.scalars(access.scope(current_user, query, ClientImport)).all()
        return self.render("admin/clients/imports.html", imports=found)

    @expose("/upload", methods=("POST",))
    def upload(self):
        try:
            stored = uploads.store(request.files.get("file"), current_user, TABLE_TYPES, sniff=_sniff)
        except uploads.UploadError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return self.index(), 422
        run = ClientImport(file_id=stored.id, created_by_id=current_user.id, status="uploaded")
        db.session.add(run)
        db.session.flush()
        try:
            header, _rows = runs.table(run)
        except reading.TableError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return self.index(), 422
        run.mapping = fields.guess(header)
        unit_of_work.commit(keep=current_user)
        return redirect(self.get_url(".details", import_id=run.id))

    @expose("/<id:import_id>/")
    def details(self, import_id):
        run = self.scoped_import(import_id)
        header, preview = runs.preview(run)
        done, total = client_jobs.progress_of(run.id)
        return self.render("admin/clients/import.html", run=run, header=header, preview=preview, done=done,
                           total=total)  # fmt: skip

    @expose("/<id:import_id>/check", methods=("POST",))
    def check(self, import_id):
        run = self.scoped_import(import_id)
        if run.status not in ("uploaded", "checked", "failed"):
            abort(409)
        header, _rows = runs.table(run)
        mapping = {}
        for field in fields.FIELDS:
            column = request.form.get(f"map-{field}", "")
            if column.isdigit() and int(column) < len(header):
                mapping[field] = int(column)
        run.mapping = mapping
        if any(field not in mapping for field in fields.REQUIRED):
            flash(_("Map the external id and the name to columns of the file."), "error")
            page = self.details(import_id)  # shows the columns as chosen; nothing of them is kept
            db.session.rollback()
            return page, 422
        run.status, run.error = "checking", None
        unit_of_work.commit(keep=current_user)
        queues.enqueue(client_jobs.run_import_check, run.id, job_timeout=JOB_TIMEOUT)
        return redirect(self.get_url(".details", import_id=run.id))

    @expose("/<id:import_id>/apply", methods=("POST",))
    def apply(self, import_id):
        run = self.scoped_import(import_id)
        if run.status != "checked":
            abort(409)
        run.status = "importing"
        unit_of_work.commit(keep=current_user)
        queues.enqueue(client_jobs.run_import_apply, run.id, job_timeout=JOB_TIMEOUT)
        return redirect(self.get_url(".details", import_id=run.id))

    @expose("/<id:import_id>/cancel", methods=("POST",))
    def cancel(self, import_id):
        run = self.scoped_import(import_id)
        if run.status not in ("uploaded", "checked", "failed"):
            abort(409)
        run.status = "cancelled"
        unit_of_work.commit(keep=current_user)
        flash(_("The import is cancelled: nothing of it was applied."), "success")
        return redirect(self.get_url(".index"))

    @expose("/<id:import_id>/progress")
    def progress(self, import_id):
        run = self.scoped_import(import_id)
        done, total = client_jobs.progress_of(run.id)
        return jsonify({"status": run.status, "done": done, "total": total, "good": run.good_rows,
                        "bad": run.bad_rows, "known": run.known_rows, "applied": run.applied_rows})  # fmt: skip

    @expose("/<id:import_id>/rejected.csv")
    def rejected(self, import_id):
        run = self.scoped_import(import_id)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([_("Row"), _("Field"), _("Why")])
        for number, errors in run.rejected or []:
            for field, reason in errors.items():
                writer.writerow([number, str(fields.FIELDS.get(field, field)), reason])
        response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="rejected-rows-{run.id}.csv"'
        return response
