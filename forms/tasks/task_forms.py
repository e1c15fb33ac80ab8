from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from services.platform.dates import DateInRange
from services.platform.errors import parse_id
from services.tasks.operations import TEXT_MAX, TITLE_MAX
from services.tasks.repeats import REPEAT_LABELS


class TaskForm(FlaskForm):
    """Create or edit an ordinary task. `assignee_id` choices are the people the user may assign to;
    the deadline is entered in the user's own time zone."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=TEXT_MAX)])
    assignee_id = SelectField(_l("Responsible"), coerce=parse_id, validators=[InputRequired()])
    deadline = DateTimeLocalField(
        _l("Deadline"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired(message=_l("Enter the deadline.")), DateInRange()],
    )
    # The card picker's choice (static/js/subject_picker.js): the id of one of the user's cards.
    card_id = StringField(_l("Card"), validators=[Optional(), Length(max=20)], widget=HiddenInput())
    client_id = StringField(_l("Client"), validators=[Optional(), Length(max=20)], widget=HiddenInput())
    version = HiddenField()


class NewTaskForm(TaskForm):
    """A new task may repeat: the job sets it again every day, week or month."""

    repeat = SelectField(_l("Repeat"), choices=[("", _l("Do not repeat")), *REPEAT_LABELS.items()], default="")
    repeat_until = DateField(_l("Last day"), validators=[Optional(), DateInRange()])


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=TEXT_MAX)])
