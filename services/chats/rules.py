"""Who is in a client's chat, and who may open it.

- May open it: whoever sees the client (the client's scope: his responsible, the leaders above him,
  whoever sees everything or the whole office) with `clients.view`; and a person a participant
  added, as long as the one who added him still sees the client and he is still in that person's
  team (below him in the org tree). When either stops, so does the added person's access.
- Participants (who is notified and counted in "read by N of M"): the responsible employee, the
  leaders above him and the added people, those of them who may open it now.

Losing access is checked whenever the client's people change (a hand-over, a move that names other
people) or an added person is taken out: those who followed the chat and may no longer open it lose
their read row and `events.access_lost` names them (their sockets leave the room after the commit)."""

from sqlalchemy import delete, select

from extensions import db
from models.chats import ChatMember, ChatRead
from models.platform.user import User
from services.chats import events
from services.pipeline import subjects
from services.platform import access, hierarchy

SUBJECT = "client"
PERMISSION = "clients.view"


def client_model():
    return subjects.model(SUBJECT)


def sees_client(user, client_id):
    return access.can(user, PERMISSION) and subjects.visible_id(user, SUBJECT, client_id) is not None


def _member_stays(member):
    """An added person keeps the chat while his adder sees the client and has him in his team."""
    adder = db.session.get(User, member.added_by_id)
    if adder is None or not adder.is_active or not sees_client(adder, member.client_id):
        return False
    return member.user_id in access.subordinate_set(adder)


def may_open(user, client_id):
    if user is None or not getattr(user, "is_active", False) or not access.can(user, PERMISSION):
        return False
    if subjects.visible_id(user, SUBJECT, client_id) is not None:
        return True
    member = db.session.get(ChatMember, (client_id, user.id))
    return member is not None and _member_stays(member)


def client_of(user, client_id):
    """The live client with this id if `user` may open its chat, else None (a 404 for the caller)."""
    if not may_open(user, client_id):
        return None
    client = db.session.get(client_model(), client_id)
    return client if client is not None and client.deleted_at is None else None


def responsible_ids(client):
    return {getattr(client, column) for column in type(client).__people__.values()} - {None}


def members(client_id):
    query = select(ChatMember).where(ChatMember.client_id == client_id).order_by(ChatMember.created_at)
    return db.session.scalars(query).all()


def participant_ids(client):
    """The responsible, the leaders above him and the added people — those of them who may open the
    chat now (a leader in another office does not see the client, a blocked person nothing)."""
    people = responsible_ids(client)
    people |= hierarchy.leader_ids(people)
    people |= {member.user_id for member in members(client.id)}
    if not people:
        return set()
    found = db.session.scalars(select(User).where(User.id.in_(sorted(people)), User.deleted_at.is_(None)))
    return {person.id for person in found if may_open(person, client.id)}


def recheck(client_id, candidates=()):
    """Who followed the chat (or is named in `candidates`) and may no longer open it: his read row
    goes, and `access_lost` names him. Called after the change is flushed."""
    followers = set(db.session.scalars(select(ChatRead.user_id).where(ChatRead.client_id == client_id)))
    followers |= {member.user_id for member in members(client_id)}
    people = sorted(followers | {user_id for user_id in candidates if user_id is not None})
    if not people:
        return set()
    lost = {person.id for person in db.session.scalars(select(User).where(User.id.in_(people)))
            if not may_open(person, client_id)}  # fmt: skip
    if lost:
        db.session.execute(delete(ChatRead).where(ChatRead.client_id == client_id, ChatRead.user_id.in_(sorted(lost))))
        events.access_lost.send(None, client_id=client_id, user_ids=frozenset(lost))
    return lost


def people_changed(subject, before=frozenset()):
    if getattr(subject, "__subject_type__", None) != SUBJECT:
        return
    recheck(subject.id, set(before) | hierarchy.leader_ids(before))


def subject_moved(subject, result=None):
    if getattr(subject, "__subject_type__", None) != SUBJECT:
        return
    if db.session.scalar(select(ChatRead.user_id).where(ChatRead.client_id == subject.id).limit(1)) is None:
        return  # nobody follows its chat: nothing to take away
    recheck(subject.id)
