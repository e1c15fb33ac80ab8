"""Demo ordinary tasks between the demo people, in every state (some overdue), with comments; in the
large organisation, a daily repeated task, a task about a client and a watcher."""

from datetime import timedelta

from sqlalchemy import select, update

from extensions import db
from models.base import utcnow
from models.cards.card import Card
from models.clients.client import Client
from models.platform.user import User
from models.tasks.task import Task
from services.tasks import followers, repeats
from services.tasks import operations as tasks

# (author, assignee, title, deadline in days from now, status path, card index or None, comment)
TASKS = [
    ("owner", "manager", "Підготувати звіт по відпрацюванню за місяць", 3, [], None, None),
    ("owner", "manager2", "Перевірити договори з постачальником", -2, ["in_work"], None, "Частину вже переглянула"),
    ("owner", "admin", "Оновити комісії банків", -5, [], None, None),
    (
        "owner",
        "accountant",
        "Звірити транзакції за минулий тиждень",
        -1,
        ["in_work", "done"],
        None,
        "Готово, розбіжностей немає",
    ),
    ("manager", "agent", "Передзвонити клієнту щодо доступу", 1, ["in_work"], 0, None),
    ("manager", "agent2", "Забрати документи в офісі", -3, [], 3, "Нагадую, термін минув"),
    ("manager", "accountant", "Поповнити картку для роботи", 2, ["in_work", "done"], 4, None),
    ("manager", "agent", "Уточнити телефон контакту", 5, ["cancelled"], 1, "Вже не потрібно"),
    ("manager2", "agent3", "Подати заяву в банк", 4, [], 2, None),
    ("manager2", "accountant2", "Сформувати акт звірки", -4, ["in_work"], None, None),
    ("agent", "agent", "Підготувати список нових контактів", 7, [], None, None),
    ("agent3", "agent3", "Оновити нотатки по картках", -1, ["in_work", "done"], None, None),
]


def load_demo_tasks():
    people = {u.username: u for u in db.session.scalars(select(User))}
    card_ids = db.session.scalars(select(Card.id).order_by(Card.id)).all()
    now = utcnow()
    for number, (author, assignee, title, days, path, card, note) in enumerate(TASKS):
        by = people[author]
        task = tasks.create(
            by,
            title=title,
            description="",
            assignee_id=people[assignee].id,
            deadline=now + timedelta(days=days),
            card_id=card_ids[card] if card is not None and card < len(card_ids) else None,
        )
        for status in path:
            actor = people[assignee] if status in ("in_work", "done") else by
            tasks.set_status(task, status, by=actor, expected_version=task.version)
        if note:
            tasks.comment(task, people[author], note)
        created = now - timedelta(days=max(1, 6 - days) + number % 3)
        db.session.execute(update(Task).where(Task.id == task.id).values(created_at=created))
    _large_organisation(people, now)
    db.session.commit()


def _large_organisation(people, now):
    supervisor, employee, depthead = people["supervisor"], people["employee"], people["depthead"]
    tomorrow_at_ten = (now + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    daily = tasks.create(supervisor, title="Щоденний звіт по дзвінках", description="Скільки дзвінків, скільки записів.",
                         assignee_id=employee.id, deadline=tomorrow_at_ten)  # fmt: skip
    repeats.start(daily, "daily", None, supervisor)
    client_id = db.session.scalar(select(Client.id).where(Client.responsible_id == employee.id).order_by(Client.id))
    about_client = tasks.create(employee, title="Надіслати клієнтові програму курсу", description="",
                                assignee_id=employee.id, deadline=now + timedelta(days=2),
                                client_id=str(client_id) if client_id else None)  # fmt: skip
    followers.add(about_client, str(supervisor.id), employee)
    followers.add(daily, str(depthead.id), supervisor)
