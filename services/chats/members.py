"""People added to a client's chat: a participant adds someone from his own team (below him in the
org tree); whoever added him, a leader above the responsible, or the person himself takes him out."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from models.chats import ChatMember
from models.platform.user import User
from services.chats import messages, rules
from services.platform import access, hierarchy
from services.platform.errors import RefusedChange, parse_id


class MemberError(RefusedChange):
    pass


def addable(client, by):
    """[(id, name)] of the active people of `by`'s team not yet in the chat."""
    inside = {member.user_id for member in rules.members(client.id)} | rules.responsible_ids(client)
    team = sorted(access.subordinate_set(by) - inside - {by.id})
    if not team:
        return []
    people = db.session.scalars(select(User).where(User.id.in_(team), User.is_blocked.is_(False),
                                                   User.deleted_at.is_(None)))  # fmt: skip
    return sorted(((person.id, person.display_name) for person in people), key=lambda item: item[1])


def add(client, by, user_id):
    person_id = parse_id(user_id)
    if person_id is None or person_id not in dict(addable(client, by)):
        raise MemberError(_l("Choose one of your people."), errors={"user_id": _l("Choose one of your people.")})
    db.session.add(ChatMember(client_id=client.id, user_id=person_id, added_by_id=by.id))
    db.session.flush()
    messages.follow(client.id, {person_id})  # the chat is in his list at once
    return person_id


def may_remove(client, by, member):
    if member.user_id == by.id or member.added_by_id == by.id:
        return True
    return by.id in hierarchy.leader_ids(rules.responsible_ids(client))


def remove(client, by, user_id):
    """Takes the added person out; he loses the chat at once unless he sees the client anyway."""
    member = db.session.get(ChatMember, (client.id, user_id))
    if member is None:
        raise MemberError(_l("This person was not added to the chat."), status=404)
    if not may_remove(client, by, member):
        raise MemberError(_l("You may not take this person out of the chat."), status=403)
    db.session.delete(member)
    db.session.flush()
    rules.recheck(client.id, {user_id})
