"""Forum factories: a sales office with a leader over two employees and an outsider, branches and
topics made through the services (committed)."""

import io

from PIL import Image
from werkzeug.datastructures import FileStorage

from extensions import db
from services.forum import branches, posts
from tests.factories.platform import make_department, make_office, make_user, place


def make_forum_people():
    """owner; leader (supervisor) over emp and emp2 in one department; outsider elsewhere."""
    office = make_office()
    department = make_department(office)
    other = make_department(office)
    owner = make_user(role_code="owner", full_name="Olena Owner")
    leader = make_user(full_name="Lev Leader", username="lev")
    emp = make_user(full_name="Emma Employee", username="emma")
    emp2 = make_user(full_name="Evan Employee", username="evan")
    outsider = make_user(full_name="Oscar Outsider", username="oscar")
    boss = place(leader, office, "supervisor", department=department)
    place(emp, office, "employee", boss=boss, department=department)
    place(emp2, office, "employee", boss=boss, department=department)
    place(outsider, office, "employee", department=other)
    return {"owner": owner, "leader": leader, "emp": emp, "emp2": emp2, "outsider": outsider, "office": office,
            "department": department, "other": other}  # fmt: skip


def make_branch(by, title="Branch", parent=None, **rules):
    branch = branches.create(by, parent, title, **rules)
    db.session.commit()
    return branch


def make_topic(by, branch, title="Topic", body="First message", restricted=False, uploads=()):
    topic = posts.create_topic(by, branch, title, body, restricted=restricted, uploads=uploads)
    db.session.commit()
    return topic


def png_upload(size=(900, 600), name="photo.png"):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    out.seek(0)
    return FileStorage(stream=out, filename=name, content_type="image/png")
