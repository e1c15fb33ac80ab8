"""Room names and who may join them. Every join goes through the access policy."""

from services.access import can

# room prefix → permission needed; later areas (boards, chats) add their rooms here.
ROOM_PERMISSIONS = {
    "dashboard": "dashboard.view",
}


def user_room(user_id):
    return f"user:{user_id}"


def session_room(session_id):
    return f"session:{session_id}"


def may_join(user, room):
    if not isinstance(room, str) or len(room) > 80:
        return False
    prefix = room.split(":", 1)[0]
    permission = ROOM_PERMISSIONS.get(prefix)
    return permission is not None and can(user, permission)
