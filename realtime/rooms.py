"""Room names and who may join them. Every join goes through the access policy.

A board's events go by scope: who sees every card shares `board:<code>:all` (the events with the new
counts); anyone else has his own `board:<code>:viewer:<id>`, which gets the events of the cards in
his scope only. `board:<code>:columns` carries what concerns a whole column (no card ids) to every
viewer of the board; the server puts a board's viewers in it, nobody asks for it."""

from services.pipeline import pipeline_rules
from services.platform.access import can, scope_level

# room prefix → permission needed to join; each domain registers its own (admin_views/<domain>).
ROOM_PERMISSIONS = {}
# room prefix → member(user, object_id): the rooms of one object each (`<prefix>:<id>`).
ROOM_MEMBERS = {}


def register(prefix, permission, member=None):
    """A kind of room: `<prefix>` or `<prefix>:…`, joined by those with `permission` — a permission,
    or a function of the room name's parts giving one (None: nobody). With `member`, the rooms are
    one per object, `<prefix>:<id>`, and a join needs `member(user, id)` true as well (the object
    read through its scoped query)."""
    ROOM_PERMISSIONS[prefix] = permission
    if member is not None:
        ROOM_MEMBERS[prefix] = member


def object_room(prefix, object_id):
    return f"{prefix}:{object_id}"


def user_room(user_id):
    return f"user:{user_id}"


def session_room(session_id):
    return f"session:{session_id}"


def board_room(user, pipeline_code):
    """The room of this board that the user's pages join."""
    if scope_level(user) == "all":
        return f"board:{pipeline_code}:all"
    return viewer_room(pipeline_code, user.id)


def viewer_room(pipeline_code, user_id):
    return f"board:{pipeline_code}:viewer:{user_id}"


def all_seeing_room(pipeline_code):
    return f"board:{pipeline_code}:all"


def columns_room(pipeline_code):
    return f"board:{pipeline_code}:columns"


def board_permission(parts):
    """A board's room is joined with its pipeline's view permission (data); no pipeline, no room."""
    rules = pipeline_rules(code=parts[1]) if len(parts) >= 3 else None
    return rules.view_permission if rules else None


def may_join(user, room):
    if not isinstance(room, str) or len(room) > 80:
        return False
    parts = room.split(":")
    permission = ROOM_PERMISSIONS.get(parts[0])
    if callable(permission):
        permission = permission(parts)
    if permission is None or not can(user, permission):
        return False
    if parts[0] == "board":
        return room == board_room(user, parts[1])
    member = ROOM_MEMBERS.get(parts[0])
    if member is not None:
        return len(parts) == 2 and parts[1].isdigit() and len(parts[1]) < 19 and bool(member(user, int(parts[1])))
    return len(parts) == 1


def rooms_to_join(room):
    """The rooms a granted join puts the socket in: a board's own room brings its columns room."""
    if room.startswith("board:"):
        return [room, columns_room(room.split(":")[1])]
    return [room]
