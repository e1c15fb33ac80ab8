"""Demo data of the client chats: a short conversation between the employee and her supervisor in the
chat of one of her clients, the supervisor's last message still unread by her."""

from sqlalchemy import select

from extensions import db
from models.clients import Client
from models.platform.user import User
from services.chats import messages

CONVERSATION = [
    ("employee", "Дмитре, клієнтка просить перенести пробне заняття на четвер. Можна?"),
    ("supervisor", "Так, переносимо. Запропонуй їй 18:00, у вечірній групі є місце."),
    ("employee", "Погодилась, записала. Договір надішлю сьогодні."),
    ("supervisor", "Чудово. Договір для підпису: https://example.com/contract"),
]


def load_demo_chats():
    people = {user.username: user for user in db.session.scalars(select(User))}
    employee = people.get("employee")
    if employee is None:
        return
    client = db.session.scalar(
        select(Client).where(Client.responsible_id == employee.id, Client.deleted_at.is_(None)).order_by(Client.id)
    )
    if client is None:
        return
    for username, text in CONVERSATION:
        message = messages.post(client, people[username], text)
        if username == "supervisor":
            continue
        messages.mark_read(client, people["supervisor"], message.id)
    db.session.commit()
