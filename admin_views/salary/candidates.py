"""HR's pages: candidates (/admin/candidates/) and their interviews (/admin/interviews/), each HR
person's own and, for his leaders, their people's; a hire links the candidate to his employee record."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.validators import ValidationError

from admin_views.base import SecuredModelView
from extensions import db
from models.platform.user import User
from models.salary import Candidate
from services.platform import access
from services.salary import hiring

CANDIDATE_LABELS = {
    "full_name": _l("Name"), "phone": _l("Phone"), "email": _l("E-mail"), "position": _l("Position applied for"),
    "office": _l("Office"), "source": _l("Source"), "status": _l("Status"), "hr": _l("HR"),
    "hired_user": _l("Hired as"), "hired_on": _l("Hired on"), "note": _l("Note"),
}  # fmt: skip
CANDIDATE_STATUSES = {
    "new": _l("New"), "interviewing": _l("Interviewing"), "offer": _l("Offer made"), "hired": _l("Hired"),
    "rejected": _l("Rejected"), "withdrawn": _l("Withdrew"),
}  # fmt: skip
INTERVIEW_LABELS = {
    "candidate": _l("Candidate"), "interviewer": _l("Interviewer"), "starts_at": _l("When"), "outcome": _l("Outcome"),
    "note": _l("Note"),
}  # fmt: skip
INTERVIEW_OUTCOMES = {
    "planned": _l("Planned"), "passed": _l("Passed"), "failed": _l("Did not pass"), "no_show": _l("Did not come"),
    "cancelled": _l("Cancelled"),
}  # fmt: skip


def _people_seen():
    query = db.session.query(User).filter(User.deleted_at.is_(None)).order_by(User.full_name)
    return access.scope(current_user, query, User)


def _candidates_seen():
    query = db.session.query(Candidate).filter(Candidate.deleted_at.is_(None)).order_by(Candidate.full_name)
    return access.scope(current_user, query, Candidate)


class CandidateView(SecuredModelView):
    permission = "hr.view"
    manage_permission = "hr.manage"
    column_labels = CANDIDATE_LABELS
    column_list = ("full_name", "position", "office", "status", "hr", "hired_on")
    column_searchable_list = ("full_name", "phone", "email")
    column_filters = ("status", "position", "office")
    column_choices = {"status": list(CANDIDATE_STATUSES.items())}
    column_default_sort = ("id", True)
    form_columns = ("full_name", "phone", "email", "position", "office", "source", "status", "hired_user", "hired_on",
                    "note")  # fmt: skip
    form_choices = {"status": list(CANDIDATE_STATUSES.items())}
    form_args = {"hired_user": {"query_factory": _people_seen, "allow_blank": True}}

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.hr_id = current_user.id
        errors = hiring.check_hire(model)
        if errors:
            raise ValidationError(" ".join(str(message) for message in errors.values()))

    @property
    def can_delete(self):
        return False


class InterviewView(SecuredModelView):
    permission = "hr.view"
    manage_permission = "hr.manage"
    column_labels = INTERVIEW_LABELS
    column_list = ("starts_at", "candidate", "interviewer", "outcome")
    column_filters = ("outcome", "starts_at")
    column_choices = {"outcome": list(INTERVIEW_OUTCOMES.items())}
    column_default_sort = ("starts_at", True)
    form_columns = ("candidate", "interviewer", "starts_at", "outcome", "note")
    form_choices = {"outcome": list(INTERVIEW_OUTCOMES.items())}
    form_args = {"candidate": {"query_factory": _candidates_seen}, "interviewer": {"query_factory": _people_seen}}

    def on_model_change(self, form, model, is_created):
        if model.interviewer_id != current_user.id and model.interviewer_id not in access.visible_set(current_user):
            raise ValidationError(_("Choose an interviewer from your team."))

    @property
    def can_delete(self):
        return False
