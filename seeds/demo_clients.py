"""Demo clients of the education company for the Part B people (the office head's tree in Kyiv, and
the supervisor's second job in Lviv): each added by his employee through the clients' service and
walked to his stage through the engine, on a calendar of the last weeks, so the board has overdue
steps and clients long in their stage, and the lists and the stage histories look used. One client
brought two others (their referrer)."""

import random
from datetime import date, timedelta

from sqlalchemy import select

from extensions import db
from models.base import utcnow
from models.platform.org import Office
from models.platform.user import User
from seeds.demo_cards import backdate, sample_values
from services import pipeline
from services.clients import operations as clients

NAMES = [
    "Аліна Гончаренко", "Богдана Литвин", "Василь Марченко", "Галина Руденко", "Денис Савчук",
    "Євгенія Клименко", "Жанна Поліщук", "Захар Бойко", "Ірина Дячук", "Кирило Остапенко",
    "Людмила Кушнір", "Мирослав Гнатюк", "Надія Захарченко", "Олександр Вдовиченко", "Поліна Карпенко",
    "Роман Лисенко", "Софія Тарасенко", "Тимур Білик", "Уляна Мороз", "Федір Чорновол",
    "Христина Мазур", "Юрій Павленко", "Яна Фесенко", "Арсен Степаненко",
]  # fmt: skip
SOURCES = ["Instagram", "Facebook", "Сайт", "Рекомендація", "Google"]
# (employee, office, how many clients): each walked to a stage by his index.
OWNERS = [("employee", "Київ", 9), ("intern", "Київ", 5), ("supervisor", "Київ", 3), ("depthead", "Київ", 2),
          ("supervisor", "Львів", 3), ("officehead", "Київ", 2)]  # fmt: skip
# How far each client walks: stage codes by index, "lost" now and then.
WALKS = ["new_lead", "contacted", "trial_booked", "trial_attended", "contacted", "new_lead", "enrolled", "studying",
         "lost", "trial_booked", "completed"]  # fmt: skip


def _path_to(board, code):
    """The stages from the first to `code`, each the move on from the one before (or straight to "lost")."""
    stages = {stage.code: stage for stage in board.stages}
    path, stage = [], board.stages[0]
    if code == "lost":
        return [stages["lost"]]
    while stage.code != code:
        stage = next(target for target in stage.allowed_targets if target.code != "lost")
        path.append(stage)
    return path


def load_demo_clients():
    people = {user.username: user for user in db.session.scalars(select(User))}
    offices = {office.name: office for office in db.session.scalars(select(Office))}
    board = clients.clients_pipeline()
    rng = random.Random(29)
    today = date.today()
    names = iter(NAMES)
    made = []
    for username, office, count in OWNERS:
        person = people[username]
        for _ in range(count):
            client = clients.create(
                person,
                full_name=next(names),
                phone=f"+38063{rng.randint(1000000, 9999999)}",
                email=f"client{len(made) + 1}@example.com",
                source=rng.choice(SOURCES),
                country="Україна",
                office_id=offices[office].id,
                tags=rng.choice(["", "", "вечірня група", "vip"]),
            )
            db.session.commit()
            code = WALKS[len(made) % len(WALKS)]
            days = [today - timedelta(days=rng.randint(2, 6) + 4 * len(_path_to(board, code)))]
            for target in _path_to(board, code):
                day = min(today, days[-1] + timedelta(days=rng.randint(1, 4)))
                values = sample_values(client.stage, day)
                pipeline.move(client, target, values, by=person, expected_version=client.version)
                db.session.commit()
                days.append(day)
            backdate(client, days, rng, created_too=True)
            made.append(client)
    referrer = made[0]
    for referred in made[1:3]:
        referred.referrer_id = referrer.id
    db.session.commit()
    _company()
    _invoices(made, people, rng)
    _events(made, rng)
    _documents(made, people)
    return made


def _documents(made, people):
    """A contract for the first clients and a diploma for the employee, as small PDF files."""
    import io

    from werkzeug.datastructures import FileStorage

    from services.clients import documents
    from services.platform import employee_documents

    def pdf(title, text):
        return FileStorage(stream=io.BytesIO(_pdf_of(text)), filename=f"{title}.pdf")

    for client in made[:3]:
        documents.add(client, pdf("Договір", "Kartoteka demo: a contract"), people["owner"])
    employee = people["employee"]
    employee_documents.add(employee, pdf("Диплом", "Kartoteka demo: a diploma"), employee)
    db.session.commit()


def _pdf_of(text):
    """A one-page PDF with a line of ASCII `text`, written by hand: the demo needs no PDF renderer."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    table = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{table}\n%%EOF\n".encode()
    return bytes(out)


def _events(made, rng):
    """A week of events for the employees' clients: today's, one overdue, some done with a result."""
    from zoneinfo import ZoneInfo

    from models.clients import EventStatus
    from services.clients import events

    zone, now = ZoneInfo("Europe/Kyiv"), utcnow()
    kinds = {kind.code: kind.id for kind in events.types()}
    statuses = {status.code: status for status in db.session.scalars(select(EventStatus))}
    plans = [(-26, "call", "done", "Домовились про пробний урок"), (-3, "call", None, ""), (2, "lesson", None, ""),
             (5, "meeting", None, ""), (26, "lesson", None, ""), (-50, "lesson", "missed", "Не прийшов")]  # fmt: skip
    for index, client in enumerate(made[:12]):
        hours, kind, outcome, note = plans[index % len(plans)]
        person = client.responsible
        start = now + timedelta(hours=hours, minutes=rng.randint(0, 3) * 15)
        local = start.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        event = events.plan(client, person, zone, type_id=str(kinds[kind]), starts_at=local,
                            duration_minutes="45", remind_minutes="30")  # fmt: skip
        db.session.flush()
        if outcome:
            events.set_status(event, person, event.version, statuses[outcome].id, note)
        db.session.commit()


COURSES = [("Англійська, 8 занять", "3200.00"), ("Польська, 8 занять", "2800.00"), ("Підручник", "450.00"),
           ("Розмовний клуб, місяць", "1500.00")]  # fmt: skip
# Stages whose clients have paid (their whole invoice), and one who has paid half of his.
PAID_STAGES = ("enrolled", "studying", "completed")


def _company():
    from models.platform.company import Company

    db.session.add(Company(name="Kartoteka School", legal_name="ТОВ «Картотека Скул»", tax_code="44556677",
                           iban="UA213223130000026007233566001", bank_name="АТ «Приватбанк»",
                           address="Київ, вул. Хрещатик, 1", phone="+380441234567", email="office@kartoteka.example"))  # fmt: skip
    db.session.commit()


def _invoices(made, people, rng):
    """Paid invoices of the clients past the trial; one referred client's first payment makes the
    referrer a partner; one invoice half paid, one still a draft."""
    from services.clients import invoices

    def issued(client, lines):
        invoice = invoices.create(client, people["owner"], lines, currency="UAH", due_date="")
        invoices.issue(invoice, people["owner"], invoice.version)
        db.session.flush()
        return invoice

    for client in made:
        db.session.refresh(client)
        if client.stage.code not in PAID_STAGES and client not in made[1:3]:
            continue
        course, price = rng.choice(COURSES)
        invoice = issued(client, [{"description": course, "quantity": "1", "price": price}])
        invoices.record_payment(invoice, people["owner"], invoice.version, amount=price, method="Картка")
        db.session.commit()
    half = issued(made[3], [{"description": COURSES[0][0], "price": COURSES[0][1]}])
    invoices.record_payment(half, people["owner"], half.version, amount="1600.00", method="Готівка")
    invoices.create(made[4], people["owner"], [{"description": COURSES[2][0], "price": COURSES[2][1]}])
    db.session.commit()
