"""Demo cards spread over the stages, each walked there through the real engine (so every card
has its stage history)."""

import random
from datetime import date

from sqlalchemy import select

from extensions import db
from models.card import Card
from models.directory import Bank, Contractor
from models.user import User
from services import pipeline
from services.card_board import cards_pipeline

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


def sample_values(stage):
    """Values that satisfy a stage's field spec, as a person would enter them."""
    values = {}
    for spec in stage.fields:
        if spec.type == "bool":
            values[spec.name] = "1"
        elif spec.type == "date":
            values[spec.name] = date.today().isoformat()
        elif spec.type in ("money", "number"):
            values[spec.name] = "1500.00"
        elif spec.type == "choice":
            values[spec.name] = spec.choice_list()[0][0]
        elif spec.type == "text":
            values[spec.name] = "Демо"
    return values


def load_demo_cards(count=27):
    board = cards_pipeline()
    stages = [s for s in board.stages if not s.is_final]
    people = {u.username: u for u in db.session.scalars(select(User))}
    banks = db.session.scalars(select(Bank)).all()
    suppliers = db.session.scalars(select(Contractor)).all()
    owner = people["owner"]
    rng = random.Random(7)
    teams = [("manager", ["agent", "agent2"], "accountant"), ("manager2", ["agent3"], "accountant2")]
    for index in range(count):
        manager, agents, accountant = teams[index % 3 == 2]
        card = Card(
            number=f"5168 75** **** {1001 + index}",
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
        db.session.add(card)
        pipeline.start(card, stages[0])
        db.session.commit()
        for _step in range(index % len(stages)):
            target = card.stage.allowed_targets[0]
            pipeline.move(card, target, sample_values(card.stage), by=owner, expected_version=card.version)
