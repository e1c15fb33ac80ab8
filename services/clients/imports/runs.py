"""An import's two runs. The dry run checks every row and counts the good, the rejected (with their
reasons, for the report) and those imported before (by their external id): it changes nothing. The
run applies the good rows that are not known yet, all in the caller's one transaction: a failure
half-way, or a worker killed, leaves the database as it was. Progress goes to `tell(done, total)`."""

from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from extensions import db
from models.base import utcnow
from models.clients import CLIENTS_PIPELINE, Client, ClientResponsible
from models.pipeline import StageTask
from services import ledger, pipeline
from services.clients import invoices
from services.clients.imports import fields, reading
from services.pipeline import signals as pipeline_signals
from services.platform import audit, bulk
from services.platform.errors import RefusedChange

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
    """Apply the good rows not imported before, in the caller's transaction (he commits once): each
    batch of rows in a few bulk statements. The boards' open columns are told to refresh."""
    applied, first_stage = 0, fields.Lookups.load().first_stage
    batch, stages = [], set()
    # The rows' check says nothing of progress here: the applied rows do (below).
    for _number, values, errors, is_known in _checked(run, lambda done, total: None):
        if errors or is_known:
            continue
        batch.append(values)
        if len(batch) >= BATCH:
            stages |= _apply_batch(batch, by, first_stage)
            applied += len(batch)
            batch = []
            tell(applied, run.good_rows)
    if batch:
        stages |= _apply_batch(batch, by, first_stage)
        applied += len(batch)
    run.applied_rows, run.status = applied, "done"
    db.session.flush()
    for stage in stages:
        pipeline_signals.column_changed.send(CLIENTS_PIPELINE, stage_id=stage)
    return applied


def _apply_batch(rows, by, first_stage):
    """New clients of the rows, on their stages with their first tasks, their employees' stretches,
    their payments before the system and their points; the ids of the stages they stand on."""
    now = utcnow()
    made = []
    for values in rows:
        stage, office = values["stage"] or first_stage, values["office"]
        made.append({"full_name": values["full_name"], "phone": values["phone"], "email": values["email"],
                     "source": values["source"], "external_id": values["external_id"],
                     "responsible_id": (values["responsible"] or by).id, "office_id": office.id if office else None,
                     "pipeline_id": stage.pipeline_id, "stage_id": stage.id, "bucket": stage.bucket,
                     "stage_entered_at": now, "phone_other": "", "messenger": "", "country": "",
                     "timezone": "Europe/Kyiv", "language": "uk", "is_partner": False, "tags": "", "version": 1,
                     "created_at": now, "updated_at": now, "created_by_id": by.id, "updated_by_id": by.id})  # fmt: skip
    ids = bulk.insert_returning_ids(Client, made)
    audit.record_created(db.session, Client.__tablename__, ids)
    bulk.insert_rows(ClientResponsible, [
        {"client_id": client_id, "user_id": row["responsible_id"], "since": now, "changed_by_id": by.id}
        for client_id, row in zip(ids, made, strict=True)])  # fmt: skip
    stages = {
        values["stage"].id if values["stage"] else first_stage.id: values["stage"] or first_stage for values in rows
    }
    tasks = [{"subject_type": Client.__subject_type__, "subject_id": client_id, "seq": 1, "stage_id": row["stage_id"],
              "assignee_id": row["responsible_id"], "opened_at": now,
              "deadline": pipeline.deadline_after(stages[row["stage_id"]], now)}
             for client_id, row in zip(ids, made, strict=True) if not stages[row["stage_id"]].is_final]  # fmt: skip
    if tasks:
        bulk.insert_rows(StageTask, tasks)
    paid = invoices.record_historical_many(
        [(client_id, row["office_id"], values["paid"], values["paid_on"])
         for client_id, row, values in zip(ids, made, rows, strict=True) if values["paid"]], by)  # fmt: skip
    bulk.update_rows(Client, [{"id": client_id, "paying_since": issued, "first_paid_invoice_id": invoice_id}
                              for client_id, (invoice_id, issued) in paid.items()])  # fmt: skip
    ledger.credit_new_clients("import", "imported_client", [
        (client_id, row["responsible_id"], values["points"])
        for client_id, row, values in zip(ids, made, rows, strict=True) if values["points"]], by=by)  # fmt: skip
    return {stage_id for stage_id, stage in stages.items() if not stage.is_final}
