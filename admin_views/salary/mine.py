"""A person's salary (/admin/salary/): his plan in force with his own figures marked, his results so
far, the pay they make, his leaders' adjustments, the forecast of the open period and what he is
missing for the next step; a closed period shows its frozen figures. A leader opens his people's
(`?employee=`); anyone else's is a 404."""

from flask import abort, request
from flask_admin import expose
from flask_login import current_user
from sqlalchemy.orm import lazyload

from admin_views.base import SecuredView, parse_id
from admin_views.salary import periods as period_choice
from extensions import db
from models.platform.user import User
from services.platform import results
from services.platform.timezones import now_utc
from services.salary import adjustments, closing, forecast, salaries, team


class MySalaryView(SecuredView):
    permission = "salary.view"

    def _person(self):
        person_id = parse_id(request.args.get("employee")) if request.args.get("employee") else current_user.id
        if person_id is None or not team.sees_salary_of(current_user, person_id):
            abort(404)
        person = db.session.get(User, person_id, options=[lazyload("*")])
        if person is None or person.deleted_at is not None:
            abort(404)
        return person

    @expose("/")
    def index(self):
        person, period = self._person(), period_choice.chosen()
        context = {"person": person, "period": period, "period_label": period_choice.label(period),
                   "periods": period_choice.choices(), "result_labels": results.labels(),
                   "reasons": adjustments.REASONS, "kinds": adjustments.KIND_LABELS,
                   "adjustments": adjustments.of_person(person.id, period)}  # fmt: skip
        if period.status == "closed":
            context["frozen"] = closing.frozen_of(person.id, period)
        else:
            salary = salaries.of_person(person.id, period)
            context.update(salary=salary, forecast=forecast.forecast(salary, period, person.timezone, now_utc()),
                           steps=forecast.next_steps(salary))  # fmt: skip
        return self.render("admin/salary/mine.html", **context)
