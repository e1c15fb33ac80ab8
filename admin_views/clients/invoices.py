"""The invoices section (/admin/invoices/): the list of the invoices of the clients a person sees, a
draft's form with its lines, the invoice's page with its payments and actions, and the printable
invoice as HTML and as PDF. Rules live in services/clients/invoices.py."""

from pathlib import Path

from flask import Response, abort, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from admin_views.base import SecuredView, parse_id
from extensions import db
from models.clients import CURRENCIES, Invoice
from models.platform.company import Company
from services.clients import invoice_lists
from services.clients import invoices as invoice_rules
from services.clients import operations as clients
from services.platform import access, unit_of_work
from services.platform.timezones import today_local

INVOICE_CSS = str(Path(__file__).resolve().parents[2] / "static" / "css" / "invoice.css")
BLANK_LINES = 3
LINE_FIELDS = ("description", "quantity", "price", "discount")


def _sent_lines():
    """The lines of the form, as typed: lines-<n>-<field>."""
    rows = {}
    for key, value in request.form.items():
        parts = key.split("-")
        wanted = len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and parts[2] in LINE_FIELDS
        if wanted and int(parts[1]) < invoice_rules.MAX_LINES * 2:
            rows.setdefault(int(parts[1]), {})[parts[2]] = value
    return [rows[index] for index in sorted(rows)]


class InvoiceView(SecuredView):
    permission = "clients.view"
    status_labels = invoice_rules.STATUS_LABELS
    kind_labels = invoice_rules.KIND_LABELS
    currencies = CURRENCIES

    def scoped_invoice(self, invoice_id):
        invoice = db.session.get(Invoice, invoice_id)
        if invoice is None or not access.in_scope(current_user, invoice) or invoice.client.deleted_at is not None:
            abort(404)
        return invoice

    def may_manage(self, record):
        return access.can(current_user, "invoices.manage", record)

    @expose("/")
    def index(self):
        filters = invoice_lists.InvoiceFilters.from_args(request.args)
        if filters is None:
            abort(400)
        rows, next_before = invoice_lists.rows(current_user, filters)
        return self.render("admin/clients/invoices.html", rows=rows, filters=filters, next_before=next_before)

    # --- the draft's form -------------------------------------------------------------------------

    def _form_page(self, client, invoice, values, rows, errors=None, status=200):
        rows = list(rows) + [{}] * BLANK_LINES
        page = self.render("admin/clients/invoice_form.html", client=client, invoice=invoice, values=values, rows=rows,
                           errors=errors or {}, today=today_local())  # fmt: skip
        return page, status

    def _save(self, client, invoice):
        values = {name: request.form.get(name, "") for name in ("currency", "due_date", "note")}
        try:
            if invoice is None:
                invoice = invoice_rules.create(client, current_user, _sent_lines(), **values)
            else:
                invoice_rules.update_draft(invoice, current_user, request.form.get("version"), _sent_lines(), **values)
        except invoice_rules.InvoiceError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            status = 422 if error.status == 400 else error.status
            return self._form_page(client, invoice, values, _sent_lines(), error.errors, status)
        unit_of_work.commit(keep=current_user)
        flash(_("The invoice is saved as a draft."), "success")
        return redirect(self.get_url(".invoice_page", invoice_id=invoice.id))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        client = clients.visible_client(current_user, parse_id(request.args.get("client")) or 0)
        if client is None:
            abort(404)
        if not self.may_manage(client):
            abort(403)
        if request.method == "POST":
            return self._save(client, None)
        return self._form_page(client, None, {"currency": "UAH"}, [])

    @expose("/<id:invoice_id>/edit", methods=("GET", "POST"))
    def edit_view(self, invoice_id):
        invoice = self.scoped_invoice(invoice_id)
        if not self.may_manage(invoice):
            abort(403)
        if invoice.status != "draft":
            return redirect(self.get_url(".invoice_page", invoice_id=invoice.id))
        if request.method == "POST":
            return self._save(invoice.client, invoice)
        values = {"currency": invoice.currency, "due_date": invoice.due_date or "", "note": invoice.note}
        rows = [{"description": line.description, "quantity": line.quantity, "price": line.price,
                 "discount": line.discount_percent} for line in invoice.lines]  # fmt: skip
        return self._form_page(invoice.client, invoice, values, rows)

    # --- the invoice's page and its actions -------------------------------------------------------

    @expose("/<id:invoice_id>/")
    def invoice_page(self, invoice_id):
        invoice = self.scoped_invoice(invoice_id)
        return self.render("admin/clients/invoice.html", invoice=invoice, errors={}, today=today_local())

    def _act(self, invoice_id, act, done):
        invoice = self.scoped_invoice(invoice_id)
        try:
            act(invoice)
        except invoice_rules.InvoiceError as error:
            db.session.rollback()
            flash(" ".join([str(error.message), *(str(message) for message in error.errors.values())]), "error")
            page = self.render("admin/clients/invoice.html", invoice=self.scoped_invoice(invoice_id),
                               errors=error.errors, today=today_local())  # fmt: skip
            return page, 422 if error.status == 400 else error.status
        unit_of_work.commit(keep=current_user)
        flash(done, "success")
        return redirect(self.get_url(".invoice_page", invoice_id=invoice_id))

    @expose("/<id:invoice_id>/issue", methods=("POST",))
    def issue(self, invoice_id):
        version = request.form.get("version")
        return self._act(invoice_id, lambda invoice: invoice_rules.issue(invoice, current_user, version),
                         _("The invoice is issued."))  # fmt: skip

    @expose("/<id:invoice_id>/cancel", methods=("POST",))
    def cancel(self, invoice_id):
        version = request.form.get("version")
        return self._act(invoice_id, lambda invoice: invoice_rules.cancel(invoice, current_user, version),
                         _("The invoice is cancelled."))  # fmt: skip

    @expose("/<id:invoice_id>/payments", methods=("POST",))
    def payment(self, invoice_id):
        kind = request.form.get("kind", "payment")
        values = {name: request.form.get(name, "") for name in ("amount", "paid_on", "method", "note")}
        version = request.form.get("version")
        done = _("The refund is recorded.") if kind == "refund" else _("The payment is recorded.")
        return self._act(
            invoice_id,
            lambda invoice: invoice_rules.record_payment(invoice, current_user, version, kind, **values),
            done,
        )

    # --- printable --------------------------------------------------------------------------------

    def _printable(self, invoice, for_pdf=False):
        if invoice.number is None:
            abort(404)  # a draft has no number yet: nothing to print
        company = db.session.scalar(select(Company).order_by(Company.id).limit(1))
        return self.render("admin/clients/invoice_print.html", invoice=invoice, company=company, for_pdf=for_pdf)

    @expose("/<id:invoice_id>/print")
    def printable(self, invoice_id):
        return self._printable(self.scoped_invoice(invoice_id))

    @expose("/<id:invoice_id>/pdf")
    def pdf(self, invoice_id):
        invoice = self.scoped_invoice(invoice_id)
        try:
            from weasyprint import CSS, HTML
        except (ImportError, OSError):  # the PDF renderer's system libraries (Pango) are not installed
            flash(_("PDF cannot be made on this server: print the invoice from its page instead."), "error")
            return redirect(self.get_url(".invoice_page", invoice_id=invoice.id))
        html = self._printable(invoice, for_pdf=True)
        # Nothing is fetched: the page names no resource, its stylesheet is read from the disk.
        document = HTML(string=html).write_pdf(stylesheets=[CSS(filename=INVOICE_CSS)])
        response = Response(document, mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'attachment; filename="invoice-{invoice.code}.pdf"'
        response.headers["Cache-Control"] = "private, no-store"
        return response
