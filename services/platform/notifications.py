"""The notification centre: one way for every domain to tell people what concerns them. A domain
registers its kinds (a label for the settings, a sentence with named values) in its init_app and
calls `notify` inside the change's transaction; the rows are part of that unit of work, so a
rolled-back change leaves none, and the sockets hear of them after the commit (`changed`, which
realtime connects). Each person chooses per kind: in the app, in the daily e-mail digest, both or
neither."""

from dataclasses import dataclass

from blinker import Namespace
from sqlalchemy import select, update

from extensions import db
from models.base import utcnow
from models.platform.notification import Notification, NotificationSetting

PAGE = 50
UNREAD_SHOWN = 100
LINK_MAX = 300
changed = Namespace().signal("notifications-changed")  # user_ids: their unread counts changed


@dataclass(frozen=True)
class Kind:
    code: str
    label: object  # lazy text: what the settings call it
    sentence: object  # lazy text with %(name)s values: what the bell says
    email: bool = False  # in the digest unless the person says otherwise
    section: str = ""  # the path of the menu's section its unread ones are counted on
    labels: dict | None = None  # param → {code: lazy label}: a value kept as a code, said in words


KINDS = {}


def register(code, label, sentence, email=False, section="", labels=None):
    KINDS[code] = Kind(code, label, sentence, email, section, labels)


def choices_of(user_id):
    """{kind code: (in app, by e-mail)} of the person, defaults where he chose nothing."""
    chosen = {row.kind: (row.in_app, row.email) for row in db.session.scalars(
        select(NotificationSetting).where(NotificationSetting.user_id == user_id))}  # fmt: skip
    return {code: chosen.get(code, (True, kind.email)) for code, kind in KINDS.items()}


def notify(user_ids, kind, link="", exclude=None, once_unread=False, **params):
    """A notification of `kind` for each of these people (not `exclude`, the one who acted), as each
    chose; flushed. Values are kept as text and put into the sentence when it is read. `once_unread`:
    not for whoever still has an unread one of this kind and link (a busy chat is one line in the bell)."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    people = sorted({user_id for user_id in user_ids if user_id is not None and user_id != exclude})
    if once_unread and people:
        waiting = set(db.session.scalars(select(Notification.user_id).where(
            Notification.user_id.in_(people), Notification.kind == kind, Notification.link == (link or "")[:LINK_MAX],
            Notification.in_app.is_(True), Notification.read_at.is_(None))))  # fmt: skip
        people = [user_id for user_id in people if user_id not in waiting]
    if not people:
        return []
    settings = dict(db.session.execute(
        select(NotificationSetting.user_id, NotificationSetting).where(
            NotificationSetting.user_id.in_(people), NotificationSetting.kind == kind)).all())  # fmt: skip
    added = []
    for user_id in people:
        chosen = settings.get(user_id)
        in_app, email = (chosen.in_app, chosen.email) if chosen else (True, KINDS[kind].email)
        if in_app or email:
            added.append(Notification(user_id=user_id, kind=kind, link=(link or "")[:LINK_MAX], in_app=in_app,
                                      email=email, params={name: str(value) for name, value in params.items()}))  # fmt: skip
    db.session.add_all(added)
    db.session.flush()
    shown = {item.user_id for item in added if item.in_app}
    if shown:
        changed.send(None, user_ids=shown)
    return added


def sentence(item):
    """What the notification says, in the reader's language."""
    kind = KINDS.get(item.kind)
    if kind is None:
        return ""
    params = dict(item.params)
    for name, words in (kind.labels or {}).items():
        if name in params:
            params[name] = str(words.get(params[name], params[name]))
    try:
        return str(kind.sentence) % params
    except (KeyError, TypeError, ValueError):
        return str(kind.label)


def unread(user_id):
    """(his unread notifications in the app, {a menu section's path: its unread ones}), up to
    UNREAD_SHOWN (the bell says "99+" beyond): a short walk of the unread index, never a count of
    everything he was ever sent."""
    query = (
        select(Notification.kind)
        .where(Notification.user_id == user_id, Notification.in_app.is_(True), Notification.read_at.is_(None))
        .limit(UNREAD_SHOWN)
    )
    kinds = db.session.scalars(query).all()
    sections = {}
    for code in kinds:
        section = KINDS[code].section if code in KINDS else ""
        if section:
            sections[section] = sections.get(section, 0) + 1
    return len(kinds), sections


def unread_count(user_id):
    return unread(user_id)[0]


def page_of(user_id, before=None, unread_only=False, limit=PAGE):
    """The person's notifications in the app, the latest first, `limit` before the id `before`."""
    query = select(Notification).where(Notification.user_id == user_id, Notification.in_app.is_(True))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    if before is not None:
        query = query.where(Notification.id < before)
    return db.session.scalars(query.order_by(Notification.id.desc()).limit(limit)).all()


def mark_read(user_id, ids=None, kind=None, link=None):
    """His notifications (those of `ids`, or of this kind and link, or all) read now; how many were
    unread."""
    statement = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None), Notification.in_app.is_(True)
    )
    if ids is not None:
        statement = statement.where(Notification.id.in_(sorted(ids)))
    if kind is not None:
        statement = statement.where(Notification.kind == kind, Notification.link == (link or "")[:LINK_MAX])
    count = db.session.execute(statement.values(read_at=utcnow())).rowcount
    if count:
        changed.send(None, user_ids={user_id})
    return count


def save_choices(user_id, chosen):
    """`chosen`: {kind: (in app, by e-mail)} for the registered kinds (others are ignored)."""
    kept = {row.kind: row for row in db.session.scalars(
        select(NotificationSetting).where(NotificationSetting.user_id == user_id))}  # fmt: skip
    for code in KINDS:
        in_app, email = chosen.get(code, (False, False))
        row = kept.get(code) or NotificationSetting(user_id=user_id, kind=code)
        row.in_app, row.email = bool(in_app), bool(email)
        db.session.add(row)
    db.session.flush()


def digest_due():
    """{user id: [notifications]} waiting for the e-mail digest."""
    rows = db.session.scalars(
        select(Notification).where(Notification.email.is_(True), Notification.mailed_at.is_(None))
        .order_by(Notification.user_id, Notification.id)
    ).all()  # fmt: skip
    found = {}
    for item in rows:
        found.setdefault(item.user_id, []).append(item)
    return found
