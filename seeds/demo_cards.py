"""Demo cards spread over the stages, each walked there through the real engine (so every card
has its stage history, its transactions and, past the bank check, its confirmed profit). Each card
walks on its own simulated calendar over the last weeks, so the history, the deadlines (some
overdue) and the financial report look like a desk in use."""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update

from extensions import db
from models.base import utcnow
from models.cards.card import Card
from models.cards.directory import Bank, Contractor
from models.pipeline import StageTask
from models.platform.user import User
from services import pipeline
from services.cards import card_numbers
from services.cards import operations as cards
from services.cards.board import cards_pipeline


def demo_number(rng, last_digits):
    """A valid card number of the demo's bank range ending in `last_digits` (so "1001" finds the first
    card): random middle digits, the check digit in the middle so that the end stays as asked."""
    digits = [*"516875", *(str(rng.randint(0, 9)) for _ in range(5)), "0", *f"{last_digits:04d}"]
    for check in "0123456789":
        digits[11] = check
        if card_numbers.luhn_valid("".join(digits)):
            return "".join(digits)
    raise AssertionError("a check digit always exists")


CONTACTS = [
    "Іван Петренко",
    "Оксана Мельник",
    "Сергій Коваленко",
    "Анна Бондар",
    "Павло Шевчук",
    "Ольга Ткаченко",
    "Микола Кравець",
    "Леся Олійник",
]
# Transactions entered while a card is in a stage that allows them: (type, low, high).
STAGE_TRANSACTIONS = {
    "fund_card": [("top_up", 5000, 20000)],
    "work_off": [("work_off", 2000, 9000), ("work_off", 1000, 6000)],
    "bank_application": [("fee", 50, 300)],
    "bank_check": [("refund", 20, 150)],
}


def sample_values(stage, day=None):
    """Values that satisfy a stage's field spec, as a person would enter them on `day` (today)."""
    day = day or date.today()
    values = {}
    for spec in stage.fields:
        if spec.type == "bool":
            values[spec.name] = "1"
        elif spec.type == "date":
            values[spec.name] = day.isoformat()
        elif spec.type in ("money", "number"):
            values[spec.name] = "1500.00"
        elif spec.type == "choice":
            values[spec.name] = spec.choice_list()[0][0]
        elif spec.type == "text":
            values[spec.name] = "Демо"
    return values


def add_transactions(card, day, by, rng):
    for kind, low, high in STAGE_TRANSACTIONS.get(card.stage.code, []):
        amount = f"{rng.randint(low, high)}.{rng.choice(['00', '50', '25', '99'])}"
        cards.add_transaction(card, {"date": day.isoformat(), "type": kind, "amount": amount}, by=by)


def backdate(subject, days, rng, created_too=False):
    """Put a subject's stage tasks on its simulated calendar: task i opened on days[i], closed when
    the next one opened (and, `created_too`, the subject made on the first day). Core updates: the
    audit trail records people's changes, not the seed's."""
    now = utcnow()
    tasks = db.session.scalars(
        select(StageTask)
        .where(StageTask.subject_type == subject.__subject_type__, StageTask.subject_id == subject.id)
        .order_by(StageTask.seq)
    ).all()
    moments = [min(datetime.combine(day, time(7 + rng.randint(0, 8), rng.randint(0, 59))), now) for day in days]
    for index, task in enumerate(tasks):
        opened = moments[min(index, len(moments) - 1)]
        values = {"opened_at": opened, "deadline": opened + timedelta(days=max(task.stage.deadline_days, 0))}
        if task.closed_at is not None and index + 1 < len(moments):
            values["closed_at"] = moments[index + 1]
        db.session.execute(update(StageTask).where(StageTask.id == task.id).values(**values))
    model = type(subject)
    values = {"stage_entered_at": moments[-1]} | ({"created_at": moments[0]} if created_too else {})
    db.session.execute(update(model).where(model.id == subject.id).values(**values))
    db.session.commit()


def load_demo_cards(count=27, archived=10):
    board = cards_pipeline()
    stages = [s for s in board.stages if not s.is_final]
    people = {u.username: u for u in db.session.scalars(select(User))}
    banks = db.session.scalars(select(Bank)).all()
    suppliers = db.session.scalars(select(Contractor)).all()
    owner = people["owner"]
    rng = random.Random(7)
    today = date.today()
    teams = [("manager", ["agent", "agent2"], "accountant"), ("manager2", ["agent3"], "accountant2")]
    handed_over = False
    for index in range(count + archived):
        manager, agents, accountant = teams[index % 3 == 2]
        steps = len(stages) if index >= count else index % len(stages)
        # Archived cards went through the desk over the past months, active ones lately.
        back = rng.randint(35, 95) if index >= count else steps * 3 + rng.randint(0, 5)
        day = today - timedelta(days=back)
        card = Card(
            contact_name=rng.choice(CONTACTS),
            contact_phone=f"+38067{rng.randint(1000000, 9999999)}",
            bank=rng.choice(banks),
            contractor=rng.choice(suppliers),
            agent=people[rng.choice(agents)],
            manager=people[manager],
            accountant=people[accountant],
            pipeline_id=board.id,
            stage_id=stages[0].id,
        )
        card_numbers.assign(card, demo_number(rng, 1001 + index))
        db.session.add(card)
        pipeline.start(card, stages[0])
        db.session.commit()
        if not handed_over and index < count and stages[steps].code == "fund_card" and card.agent == people["agent"]:
            # One card its agent funds himself: the card's own choice of the stage's responsible person.
            cards.set_responsibles(card, {f"stage_{stages[steps].id}": str(card.agent.id)}, owner, card.version)
            db.session.commit()
            handed_over = True
        days = [day]
        for _step in range(steps):
            if card.stage.transactions_allowed:
                add_transactions(card, day, owner, rng)
            day = min(today, day + timedelta(days=rng.randint(2, 4)))
            target = card.stage.allowed_targets[0]
            pipeline.move(card, target, sample_values(card.stage, day), by=owner, expected_version=card.version)
            days.append(day)
        backdate(card, days, rng)
