"""The team's salary table as an exportable list (services/exports/registry.py): the rows of the
viewer's team table for the chosen period (`period`, else today's), with their totals' parts."""

from flask_babel import lazy_gettext as _l

from extensions import db
from models.salary import SalaryPeriod
from services.exports import registry as exports
from services.platform.errors import parse_id
from services.platform.timezones import today_local
from services.salary import periods, team

COLUMNS = (_l("Employee"), _l("Position"), _l("Department"), _l("Office"), _l("Base"), _l("For results"),
           _l("Adjustments"), _l("Total"), _l("Final"), _l("Plan attained, %"), _l("Forecast, from"),
           _l("Forecast, to"))  # fmt: skip


def check(args):
    if args.get("period") and parse_id(args["period"]) is None:
        return {"period": _l("Choose a salary period from the list.")}
    return {}


def _period(user, args):
    if args.get("period"):
        period = db.session.get(SalaryPeriod, parse_id(args["period"]) or 0)
        if period is None:
            raise exports.ExportError(_l("Choose a salary period from the list."))
        return period
    return periods.covering(today_local(exports.zone_of(user))) or periods.ensure(today_local(exports.zone_of(user)))


def team_rows(user, args):
    period = _period(user, args)
    found, _computed_at = team.rows(team.team_ids(user), period)
    for row in found:
        attained = round(row.attainment * 100) if row.attainment is not None else None
        yield (row.name, row.position, row.department, row.office, row.base, row.variable, row.adjustments, row.total,
               _l("yes") if row.frozen else "", attained, row.forecast_low, row.forecast_high)  # fmt: skip


def register():
    exports.register("salary.team", _l("Team's salaries"), "salary.team", COLUMNS, team_rows, check)
