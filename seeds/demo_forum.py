"""The demo's forum: a three-level branch tree (Компанія → Продажі → Скрипти дзвінків), a pinned
topic with a photo and a few messages between the supervisor and the employee, and a private branch
of the managers."""

import io

from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from extensions import db
from models.platform.user import User
from services.forum import branches, posts, reads


def _photo():
    picture = Image.new("RGB", (640, 360), (34, 102, 170))
    for x in range(0, 640, 40):
        for y in range(0, 360, 40):
            if (x + y) // 40 % 2:
                picture.paste((250, 200, 60), (x, y, x + 20, y + 20))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    out.seek(0)
    return FileStorage(stream=out, filename="script.png", content_type="image/png")


def load_demo_forum():
    people = {user.username: user for user in db.session.scalars(select(User))}
    owner, supervisor, employee = people["owner"], people["supervisor"], people["employee"]
    company = branches.create(owner, None, "Компанія", "Новини та оголошення для всіх")
    sales = branches.create(owner, company, "Продажі", "Усе про продажі")
    scripts = branches.create(supervisor, sales, "Скрипти дзвінків", "Що казати клієнту і як")
    branches.create(owner, None, "Керівники", "Закрита гілка керівників", visibility_kind="private",
                    members=[people["depthead"].id, people["officehead"].id, supervisor.id])  # fmt: skip
    topic = posts.create_topic(supervisor, scripts, "Новий скрипт першого дзвінка",
                               "Колеги, ось **новий скрипт** першого дзвінка. Схема на фото.\n\n"
                               "1. Привітання\n2. Питання про потреби\n3. Пропозиція курсу", uploads=[_photo()])  # fmt: skip
    posts.set_flags(supervisor, topic, pinned=True)
    posts.add_post(employee, topic, "Дякую! А що казати, якщо клієнт каже «дорого»?")
    posts.add_post(supervisor, topic, "@employee почни з користі: скільки він заробить після курсу.")
    reads.mark_read(employee, topic, topic.last_post_id)
    posts.create_topic(owner, company, "Ласкаво просимо на форум", "Пишіть тут питання й ідеї. *Markdown* працює.")
    db.session.commit()
