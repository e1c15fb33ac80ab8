"""Room names and who may join them. Every join goes through the access policy."""

from services.access import can, scope_level

# room prefix → permission needed; later areas (boards, chats) add their rooms here.
ROOM_PERMISSIONS = {
    "dashboard": "dashboard.view",
    "board": "cards.view",
}


def user_room(user_id):
    return f"user:{user_id}"


def session_room(session_id):
    return f"session:{session_id}"


def board_room(user, pipeline_code):
    """Who sees everything gets events with the new counts; the others re-count their own."""
    suffix = ":all" if scope_level(user) == "all" else ""
    return f"board:{pipeline_code}{suffix}"


def may_join(user, room):
    if not isinstance(room, str) or len(room) > 80:
        return False
    parts = room.split(":")
    permission = ROOM_PERMISSIONS.get(parts[0])
    if permission is None or not can(user, permission):
        return False
    if parts[0] == "board":
        return len(parts) in (2, 3) and room == board_room(user, parts[1])
    return len(parts) == 1
