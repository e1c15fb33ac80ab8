"""Demo anonymous suggestions: two to the head of department (one answered publicly and done) and one
to the administrator. No author, as with every suggestion."""

from datetime import timedelta

from sqlalchemy import select

from extensions import db
from models.base import utcnow
from models.platform.user import User
from models.suggestions import Suggestion
from services.suggestions import answering

# (addressee username or None for the administrator, text, days ago, (answer, statuses) or None)
SUGGESTIONS = [
    ("depthead", "Можна перенести щотижневу нараду з п'ятниці на четвер? У п'ятницю найбільше дзвінків.", 1, None),
    (
        "depthead",
        "Пропоную раз на місяць розбирати складні випадки з клієнтами всім відділом.",
        6,
        ("Гарна ідея, почнемо з першого четверга наступного місяця.", ["review", "done"]),
    ),
    (None, "У переговорній не працює проєктор, а бронювання кімнат ведеться на папері.", 3, None),
]


def load_demo_suggestions():
    people = {user.username: user for user in db.session.scalars(select(User))}
    for addressee, body, days_ago, answered in SUGGESTIONS:
        target = people.get(addressee) if addressee else None
        if addressee and target is None:
            continue
        suggestion = Suggestion(
            addressee_id=target.id if target else None,
            to_administrator=target is None,
            body=body,
            sent_on=(utcnow() - timedelta(days=days_ago)).date(),
        )
        db.session.add(suggestion)
        db.session.flush()
        if answered:
            text, statuses = answered
            answering.answer(target, suggestion, text)
            for status in statuses:
                answering.set_status(target, suggestion, status)
    db.session.commit()
