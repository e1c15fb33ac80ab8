"""A client's invoices: a draft with its lines, issued under the next number of its office and year
(no gaps: the number is taken in the issuing transaction), payments and refunds recorded against it,
its status following what is paid. An invoice paid in full tells the clients' rules (paid_in_full):
the client is a paying one, points are credited, the referrer's partnership begins."""

from datetime import date, datetime, time
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from extensions import db
from models.base import utcnow
from models.clients import CURRENCIES, Client, Invoice, InvoiceLine, InvoicePayment, InvoiceSequence
from services.clients import paid_invoices
from services.platform import access, bulk, database, dates, money
from services.platform.errors import RefusedChange, parse_id

STATUS_LABELS = {
    "draft": _l("Draft"),
    "issued": _l("Issued"),
    "partly_paid": _l("Partly paid"),
    "paid": _l("Paid"),
    "cancelled": _l("Cancelled"),
}
KIND_LABELS = {"payment": _l("Payment"), "refund": _l("Refund")}
MAX_LINES = 50
HUNDRED = Decimal(100)


class InvoiceError(RefusedChange):
    pass


def _may_change(invoice_or_client, by):
    if not access.can(by, "invoices.manage", invoice_or_client):
        raise InvoiceError(_l("You may not change this client's invoices."), status=403)


def _fresh(invoice, version):
    if parse_id(version) != invoice.version:
        raise InvoiceError(_l("Someone else changed this invoice meanwhile: reload the page."), status=409)


def line_amount(quantity, price, discount_percent):
    return money.round_money(quantity * price * (HUNDRED - discount_percent) / HUNDRED)


def _decimal(text, errors, key, low, high, places=2, blank=None):
    text = str(text or "").strip()
    if not text and blank is not None:
        return blank
    try:
        value = money.parse_money(text)
    except money.MoneyError:
        errors[key] = _l("Enter a number, e.g. 1250.50.")
        return None
    if not low <= value <= high or value.as_tuple().exponent < -places:
        errors[key] = _l("Enter a number from %(low)s to %(high)s.", low=low, high=high)
        return None
    return value


def parse_lines(rows):
    """The lines typed (dicts of description, quantity, price, discount), blank ones left out:
    ([InvoiceLine], {"lines-<n>-<field>": message})."""
    lines, errors = [], {}
    for index, row in enumerate(rows):
        if not any(str(row.get(name) or "").strip() for name in ("description", "price")):
            continue
        key = f"lines-{index}-"
        description = " ".join(str(row.get("description") or "").split())
        if not description or len(description) > 200:
            errors[key + "description"] = _l("Name the product or course (up to 200 characters).")
        quantity = _decimal(
            row.get("quantity"), errors, key + "quantity", Decimal("0.01"), Decimal(10000), blank=Decimal(1)
        )
        price = _decimal(row.get("price"), errors, key + "price", Decimal(0), money.MAX_AMOUNT)
        discount = _decimal(row.get("discount"), errors, key + "discount", Decimal(0), HUNDRED, blank=Decimal(0))
        if None not in (quantity, price, discount) and not errors:
            lines.append(
                InvoiceLine(position=len(lines) + 1, description=description, quantity=quantity, price=price,
                            discount_percent=discount, amount=line_amount(quantity, price, discount))
            )  # fmt: skip
    if len(lines) > MAX_LINES:
        errors["lines"] = _l("At most %(count)s lines.", count=MAX_LINES)
    if not lines and not errors:
        errors["lines"] = _l("Add at least one line.")
    return lines, errors


def _fields(values, errors):
    currency = values.get("currency") or "UAH"
    if currency not in CURRENCIES:
        errors["currency"] = _l("Not a valid choice.")
    due_date = None
    try:
        due_date = dates.parse_date(values.get("due_date"))
    except dates.DateError as error:
        errors["due_date"] = error.message
    note = " ".join(str(values.get("note") or "").split())
    if len(note) > 500:
        errors["note"] = _l("At most %(count)s characters.", count=500)
    return {"currency": currency, "due_date": due_date, "note": note}


def create(client, by, rows, **values):
    """A draft invoice for the client with the typed lines."""
    _may_change(client, by)
    lines, errors = parse_lines(rows)
    fields = _fields(values, errors)
    if errors:
        raise InvoiceError(_l("Check the invoice's fields."), errors=errors)
    invoice = Invoice(client_id=client.id, office_id=client.office_id, office_key=client.office_id or 0, lines=lines,
                      total=sum((line.amount for line in lines), Decimal("0.00")), **fields)  # fmt: skip
    db.session.add(invoice)
    db.session.flush()
    return invoice


def update_draft(invoice, by, version, rows, **values):
    _may_change(invoice, by)
    _fresh(invoice, version)
    if invoice.status != "draft":
        raise InvoiceError(_l("Only a draft can be edited: an issued invoice is cancelled and made anew."))
    lines, errors = parse_lines(rows)
    fields = _fields(values, errors)
    if errors:
        raise InvoiceError(_l("Check the invoice's fields."), errors=errors)
    invoice.lines[:] = lines
    invoice.total = sum((line.amount for line in lines), Decimal("0.00"))
    for name, value in fields.items():
        setattr(invoice, name, value)
    db.session.flush()
    return invoice


def next_number(office_key, year, count=1):
    """The next number of the office's year (the last of the next `count`), taken in the caller's
    transaction: the counter's row stays locked until it commits (a second issuer waits), and a
    rollback gives the numbers back."""
    dialect = postgresql if database.on_postgresql() else sqlite
    statement = (
        dialect.insert(InvoiceSequence)
        .values(office_key=office_key, year=year, last=count)
        .on_conflict_do_update(index_elements=["office_key", "year"], set_={"last": InvoiceSequence.last + count})
        .returning(InvoiceSequence.last)
    )
    return db.session.execute(statement).scalar_one()


def issue(invoice, by, version):
    _may_change(invoice, by)
    _fresh(invoice, version)
    if invoice.status != "draft":
        raise InvoiceError(_l("This invoice is issued already."), status=409)
    if not invoice.lines or invoice.total <= 0:
        raise InvoiceError(_l("An invoice of nothing cannot be issued: add its lines."))
    now = utcnow()
    invoice.year = now.year
    invoice.number = next_number(invoice.office_key, invoice.year)
    invoice.issued_at, invoice.status = now, "issued"
    db.session.flush()
    return invoice


def cancel(invoice, by, version):
    _may_change(invoice, by)
    _fresh(invoice, version)
    if invoice.status not in ("draft", "issued"):
        raise InvoiceError(_l("An invoice with payments cannot be cancelled: refund them first."), status=409)
    invoice.status = "cancelled"
    db.session.flush()
    return invoice


def locked(invoice_id):
    """The invoice, its row locked until the transaction ends (PostgreSQL): payments of one invoice
    are recorded one after the other."""
    query = select(Invoice).where(Invoice.id == invoice_id).with_for_update(of=Invoice)
    return db.session.scalar(query.execution_options(populate_existing=True))


def record_payment(invoice, by, version, kind="payment", **values):
    """A payment (or refund) of the invoice; its status follows. Refused: more than is due (or than
    was paid, for a refund), a draft's or a cancelled invoice's."""
    _may_change(invoice, by)
    invoice = locked(invoice.id)
    _fresh(invoice, version)
    if kind not in KIND_LABELS:
        raise InvoiceError(_l("Not a valid choice."))
    if invoice.status in ("draft", "cancelled"):
        raise InvoiceError(_l("Payments are recorded against an issued invoice."), status=409)
    errors = {}
    amount = _decimal(values.get("amount"), errors, "amount", Decimal("0.01"), money.MAX_AMOUNT)
    paid_on = date.today()
    try:
        paid_on = dates.parse_date(values.get("paid_on")) or paid_on
    except dates.DateError as error:
        errors["paid_on"] = error.message
    limit = invoice.due if kind == "payment" else invoice.paid
    if amount is not None and amount > limit:
        errors["amount"] = _l("At most %(amount)s.", amount=money.money_text(limit))
    if errors:
        raise InvoiceError(_l("Check the payment."), errors=errors)
    was_paid = invoice.status == "paid"
    payment = InvoicePayment(invoice_id=invoice.id, kind=kind, amount=amount, paid_on=paid_on, created_by_id=by.id,
                             method=str(values.get("method") or "")[:40], note=str(values.get("note") or "")[:255])  # fmt: skip
    db.session.add(payment)
    invoice.paid = invoice.paid + (amount if kind == "payment" else -amount)
    invoice.status = "paid" if invoice.paid >= invoice.total else ("partly_paid" if invoice.paid > 0 else "issued")
    db.session.flush()
    _mark_paid_in_full(invoice, was_paid)
    paid_invoices.payment_recorded(invoice, payment, by)
    if invoice.status == "paid" and not was_paid:
        paid_invoices.paid_in_full(invoice, by)
    elif was_paid and invoice.status != "paid":
        paid_invoices.no_longer_paid(invoice, by)
    return payment


def _mark_paid_in_full(invoice, was_paid):
    """Paid in full now: the day of its latest payment, and the client's responsible employee as of
    now (the salary result is his); no longer paid: neither."""
    if invoice.status == "paid":
        invoice.paid_in_full_on = db.session.scalar(
            select(func.max(InvoicePayment.paid_on)).where(
                InvoicePayment.invoice_id == invoice.id, InvoicePayment.kind == "payment"
            )
        )
        if not was_paid or invoice.paid_for_id is None:
            invoice.paid_for_id = invoice.client.responsible_id
    else:
        invoice.paid_in_full_on = invoice.paid_for_id = None
    db.session.flush()


def record_historical_many(payments, by):
    """What new clients paid before the system — [(client id, office id, amount, paid on)] — as one
    invoice each, issued and paid in full, in a few statements: their numbers taken as one block per
    office and year. It credits no points (the import brings the points)."""
    now, note = utcnow(), str(_l("Payments before the system"))
    responsible = dict(db.session.execute(
        select(Client.id, Client.responsible_id).where(Client.id.in_(sorted({item[0] for item in payments})))
    ).all()) if payments else {}  # fmt: skip
    rows = []
    groups = {}
    for client_id, office_id, amount, paid_on in payments:
        groups.setdefault(((office_id or 0), (paid_on or date.today()).year), []).append(
            (client_id, office_id, amount, paid_on)
        )
    for (office_key, year), items in groups.items():
        last = next_number(office_key, year, len(items))
        for number, (client_id, office_id, amount, paid_on) in enumerate(items, start=last - len(items) + 1):
            issued = datetime.combine(paid_on or date.today(), time())
            rows.append({"client_id": client_id, "office_id": office_id, "office_key": office_key, "year": year,
                         "number": number, "status": "paid", "currency": "UAH", "total": amount, "paid": amount,
                         "paid_in_full_on": issued.date(), "paid_for_id": responsible.get(client_id),
                         "note": note, "issued_at": issued, "version": 1, "created_at": now, "updated_at": now,
                         "created_by_id": by.id, "updated_by_id": by.id})  # fmt: skip
    if not rows:
        return {}
    ids = bulk.insert_returning_ids(Invoice, rows)
    bulk.insert_rows(InvoiceLine, [
        {"invoice_id": invoice_id, "position": 1, "description": note, "quantity": 1, "price": row["total"],
         "discount_percent": 0, "amount": row["total"]} for invoice_id, row in zip(ids, rows, strict=True)])  # fmt: skip
    bulk.insert_rows(InvoicePayment, [
        {"invoice_id": invoice_id, "kind": "payment", "amount": row["total"], "paid_on": row["issued_at"].date(),
         "method": "", "note": "", "created_by_id": by.id} for invoice_id, row in zip(ids, rows, strict=True)])  # fmt: skip
    return {row["client_id"]: (invoice_id, row["issued_at"]) for invoice_id, row in zip(ids, rows, strict=True)}
