"""An import's two runs. The dry run checks every row and counts the good, the rejected (with their
reasons, for the report) and those imported before (by their external id): it changes nothing. The
run applies the good rows that are not known yet, all in the caller's one transaction: a failure
half-way, or a worker killed, leaves the database as it was. Progress goes to `tell(done, total)`."""

from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from extensions import db
from models.clients import Client, ClientResponsible
from services import ledger, pipeline
from services.clients import invoices
from services.clients.imports import fields, reading
from services.platform.errors import RefusedChange

PROGRESS_EVERY = 500
REPORT_KEPT = 10_000  # rejected rows kept for the report; the count covers them all
BATCH = 1000


class ImportError(RefusedChange):  # noqa: A001 - the import's own refusal, not the builtin
    pass


def table(run):
    path = Path(current_app.config["UPLOAD_DIR"]) / run.file.stored_name
    return reading.rows(path, reading.kind_of(path.read_bytes()[:65536]))


def preview(run, limit=10):
    """(header, the first rows as [(row number, cells, values, errors)]) with the run's mapping."""
    header, rows = table(run)
    lookups, found = fields.Lookups.load(), []
    for number, cells in rows:
        values, errors = fields.check(cells, run.mapping or {}, lookups)
        found.append((number, cells, values, errors))
        if len(found) >= limit:
            break
    return header, found


def _batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _checked(run, tell):
    """Every row checked: yields (row number, values, errors, known) batch by batch."""
    _header, rows = table(run)
    lookups, seen_ids, done = fields.Lookups.load(), set(), 0
    for batch in _batches(rows):
        checked = [(number, *fields.check(cells, run.mapping, lookups)) for number, cells in batch]
        known = fields.known_external_ids({values["external_id"] for _n, values, _e in checked})
        contacts = fields.known_contacts({values[key] for _n, values, _e in checked for key in ("phone", "email")
                                          if values.get(key)})  # fmt: skip
        for number, values, errors in checked:
            external_id = values["external_id"]
            if not errors and external_id in seen_ids:
                errors["external_id"] = _l("The same external id is on an earlier row.")
            is_known = not errors and external_id in known
            if not errors and not is_known and ({values["phone"], values["email"]} & contacts):
                errors["phone" if values["phone"] in contacts else "email"] = _l("A client with it is known already.")
            seen_ids.add(external_id)
            yield number, values, errors, is_known
        done += len(batch)
        tell(done, None)


def dry_run(run, tell=lambda done, total: None):
    """Count and keep what the import would do; nothing else changes."""
    if not run.mapping or any(field not in run.mapping for field in fields.REQUIRED):
        raise ImportError(_l("Map the external id and the name to columns of the file."))
    total = good = known = 0
    rejected = []
    for number, _values, errors, is_known in _checked(run, tell):
        total += 1
        if errors:
            if len(rejected) < REPORT_KEPT:
                rejected.append([number, {field: str(reason) for field, reason in errors.items()}])
        elif is_known:
            known += 1
        else:
            good += 1
    run.total_rows, run.good_rows, run.known_rows, run.bad_rows = total, good, known, total - good - known
    run.rejected, run.status = rejected, "checked"
    db.session.flush()


def apply(run, by, tell=lambda done, total: None):
    """Apply the good rows not imported before, in the caller's transaction (he commits once)."""
    applied, first_stage = 0, fields.Lookups.load().first_stage
    # The rows' check says nothing of progress here: the applied rows do (below).
    for _number, values, errors, is_known in _checked(run, lambda done, total: None):
        if errors or is_known:
            continue
        _client_of(values, by, first_stage)
        applied += 1
        if applied % PROGRESS_EVERY == 0:
            db.session.flush()
            tell(applied, run.good_rows)
    run.applied_rows, run.status = applied, "done"
    db.session.flush()
    return applied


def _client_of(values, by, first_stage):
    responsible = values["responsible"] or by
    stage = values["stage"] or first_stage
    office = values["office"]
    client = Client(full_name=values["full_name"], phone=values["phone"], email=values["email"], source=values["source"],
                    external_id=values["external_id"], responsible_id=responsible.id,
                    office_id=office.id if office else None, pipeline_id=stage.pipeline_id, stage_id=stage.id)  # fmt: skip
    db.session.add(client)
    db.session.flush()
    db.session.add(ClientResponsible(client_id=client.id, user_id=responsible.id, changed_by_id=by.id))
    pipeline.start(client, stage, by=by)
    if values["paid"]:
        invoices.record_historical(client, by, values["paid"], values["paid_on"])
    if values["points"]:
        ledger.credit("import", ledger.Source("imported_client", client.id), client_id=client.id,
                      client_amount=values["points"], employee_id=responsible.id, kind="points", by=by)  # fmt: skip
    return client
