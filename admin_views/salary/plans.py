"""Plans and personal figures (/admin/salary/plans/). The owner (salary.plans) keeps each position's
plan — its versions from a chosen period on, its raise marks — and sets a person's own figures; a
leader sees his people's personal figures and the raises to come, and holds one back with a reason
before its period starts."""

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin_views.base import SecuredView, parse_id
from admin_views.salary import periods as period_choice
from extensions import db
from models.platform.user import User
from models.salary import PlanOverride, SalaryPlan
from services.platform import access, results, unit_of_work
from services.platform.errors import RefusedChange
from services.platform.timezones import today_local, user_zone
from services.salary import adjustments, in_force, periods, plan_changes, plans, raises, team

OVERRIDE_KINDS = {"manual": _l("Set by hand"), "raise": _l("Automatic raise"), "hold": _l("Raise held back")}
FIELD_LABELS = {"target": _l("target"), "weight": _l("weight"), "rate": _l("rate"), "amount": _l("amount"),
                "threshold": _l("threshold, share of the target"), "at": _l("paid from, share of the target"),
                "cap": _l("cap")}  # fmt: skip


def figure_labels(plan):
    """{key: what a person reads for it} of every figure of a parsed plan."""
    names = results.labels()

    def result_name(code):
        if code.startswith("team."):
            return f"{names.get(code[5:], code[5:])} ({_('team')})"
        return str(names.get(code, code))

    targets = {target["code"]: result_name(target["metric"]) for target in plan["targets"]}
    found = {"base": _("Base pay"), "cap": _("Cap on the pay for results")}
    for target in plan["targets"]:
        for name in ("target", "weight"):
            found[f"targets.{target['code']}.{name}"] = f"{targets[target['code']]}: {FIELD_LABELS[name]}"
    for component in plan["components"]:
        if component["kind"] == "rate":
            what = _("Per each of “%(result)s”", result=result_name(component["metric"]))
        elif component["kind"] == "tiers":
            what = _("Pay for “%(result)s”", result=targets.get(component["target"], _("all targets")))
        else:
            what = _("Bonus for meeting “%(result)s”", result=targets.get(component["target"], _("all targets")))
        for name in plans.FIELDS["components"]:
            found[f"components.{component['code']}.{name}"] = f"{what}: {FIELD_LABELS[name]}"
    return found


class SalaryPlansView(SecuredView):
    permission = "salary.team"

    def _people(self):
        """Whose personal figures and raises the viewer sees."""
        return team.team_ids(current_user)

    def _today(self):
        return today_local(user_zone())

    @expose("/")
    def index(self):
        return self._index()

    def _index(self, status=200):
        people = self._people()
        raises_to_come = plan_changes.upcoming_raises(people, self._today())
        personal = plan_changes.personal_figures(people)
        may_plan = access.can(current_user, "salary.plans")
        return self.render(
            "admin/salary/plans.html", may_plan=may_plan, plan_rows=plan_changes.plans_with_versions() if may_plan else [],
            raises_to_come=raises_to_come, personal=personal, kinds=OVERRIDE_KINDS,
            may_hold={item.id for item, _name, _starts, held in raises_to_come
                      if held is None and adjustments.may_adjust(current_user, item.user_id)},
            labels=self._labels_of([item for item, *_rest in personal] + [item for item, *_rest in raises_to_come]),
            period_label=period_choice.label_of_day, reason_text=raises.reason_text,
        ), status  # fmt: skip

    def _labels_of(self, overrides):
        """{override id: its figure's label} read against each person's plan in force now."""
        if not overrides:
            return {}
        period = periods.covering(self._today())
        if period is None:
            return {}
        in_force_now = in_force.plans_for({item.user_id for item in overrides}, period)
        return {item.id: figure_labels(in_force_now[item.user_id].plan).get(item.key, item.key) for item in overrides}

    # --- one plan: its versions and marks (owner) ---------------------------------------------------

    def _plan(self, plan_id):
        self._check_may_plan()
        plan_row = db.session.get(SalaryPlan, plan_id)
        if plan_row is None:
            abort(404)
        return plan_row

    @expose("/<id:plan_id>/")
    def plan(self, plan_id):
        return self._plan_page(self._plan(plan_id))

    def _plan_page(self, plan_row, errors=None, sent=None, status=200):
        latest = plan_changes.latest_version(plan_row)
        parsed = plans.parse(latest.spec) if latest else plans.parse({})
        history = dict(plan_changes.plans_with_versions())[plan_row]
        page = self.render(
            "admin/salary/plan.html", plan_row=plan_row, latest=latest, parsed=parsed,
            figures=plan_changes.figures(parsed), labels=figure_labels(parsed), errors=errors or {}, sent=sent or {},
            from_days=plan_changes.from_choices(self._today()), history=history,
            spec_text=plan_changes.spec_text(latest.spec if latest else {"base": "0"}),
            period_label=period_choice.label_of_day, result_labels=results.labels(),
        )  # fmt: skip
        return page, status

    @expose("/<id:plan_id>/version", methods=("POST",))
    def version(self, plan_id):
        plan_row = self._plan(plan_id)
        form = request.form
        day = plan_changes.is_day(form.get("from_day"))
        figures_sent = {key[len("figure.") :]: value for key, value in form.items() if key.startswith("figure.")}
        try:
            plan_changes.new_version(current_user, plan_row, day, form.get("note"),
                                     spec_text=form.get("spec") if form.get("as_data") else None,
                                     figures_sent=figures_sent, today=self._today())  # fmt: skip
        except RefusedChange as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return self._plan_page(plan_row, error.errors, dict(form), status=422)
        unit_of_work.commit(keep=current_user)
        flash(_("The plan's new version is saved."), "success")
        return redirect(self.get_url(".plan", plan_id=plan_row.id))

    @expose("/<id:plan_id>/raises", methods=("POST",))
    def raise_marks(self, plan_id):
        plan_row = self._plan(plan_id)
        form = request.form
        try:
            plan_changes.set_raises(current_user, plan_row, form.get("raises_targets") == "y", form.get("raise_after"),
                                    form.get("raise_percent"), form.get("raise_fixed"))  # fmt: skip
        except RefusedChange as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return self._plan_page(self._plan(plan_id), error.errors, dict(form), status=422)
        unit_of_work.commit(keep=current_user)
        flash(_("The raise settings are saved."), "success")
        return redirect(self.get_url(".plan", plan_id=plan_row.id))

    # --- a person's own figures (owner) -------------------------------------------------------------

    def _check_may_plan(self):
        try:
            plan_changes.check_may_plan(current_user)
        except PermissionError:
            abort(403)

    def _person(self, person_id):
        self._check_may_plan()
        if person_id is None or not team.sees_salary_of(current_user, person_id) or person_id == current_user.id:
            abort(404)
        person = db.session.get(User, person_id)
        if person is None or person.deleted_at is not None:
            abort(404)
        return person

    @expose("/personal", methods=("GET", "POST"))
    def personal_figure(self):
        person = self._person(parse_id(request.values.get("employee")))
        errors, sent, status = {}, {}, 200
        if request.method == "POST":
            sent = dict(request.form)
            try:
                plan_changes.override(current_user, person.id, sent.get("key", ""), sent.get("value", ""),
                                      plan_changes.is_day(sent.get("from_day")), sent.get("reason"),
                                      today=self._today())  # fmt: skip
            except RefusedChange as error:
                db.session.rollback()
                flash(str(error.message), "error")
                errors, status = error.errors, 422
            else:
                unit_of_work.commit(keep=current_user)
                flash(_("The personal figure is saved."), "success")
                return redirect(self.get_url("salary.index", employee=person.id))
        period = periods.covering(self._today())
        plan = in_force.plans_for([person.id], period)[person.id] if period else None
        parsed = plan.plan if plan else plans.parse({})
        return self.render(
            "admin/salary/personal_figure.html", person=person, figures=plan_changes.figures(parsed),
            labels=figure_labels(parsed), overridden=plan.overridden if plan else set(), errors=errors, sent=sent,
            from_days=plan_changes.from_choices(self._today()), period_label=period_choice.label_of_day,
        ), status  # fmt: skip

    # --- holding a raise back (leaders) -------------------------------------------------------------

    @expose("/raises/<id:override_id>/hold", methods=("POST",))
    def hold(self, override_id):
        item = db.session.get(PlanOverride, override_id)
        if item is None or item.kind != "raise" or item.user_id not in set(self._people()):
            abort(404)
        try:
            raises.hold(current_user, item, request.form.get("reason"))
        except PermissionError:
            abort(403)
        except RefusedChange as error:
            db.session.rollback()
            flash(" ".join(str(message) for message in error.errors.values()) or str(error.message), "error")
            return self._index(status=422)
        unit_of_work.commit(keep=current_user)
        flash(_("The raise is held back."), "success")
        return redirect(self.get_url(".index"))
