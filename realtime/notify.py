"""What the domains' signals become on the sockets: each receiver publishes its events for after the
commit (realtime.publisher)."""

from realtime.publisher import SESSION_ENDED, publish
from realtime.rooms import all_seeing_room, columns_room, object_room, session_room, user_room, viewer_room
from services.platform import access, hierarchy


def sessions_ended(_sender, session_ids):
    """Their pages are told, and their sockets closed."""
    rooms = [session_room(session_id) for session_id in session_ids]
    if rooms:
        publish(rooms, SESSION_ENDED)


def column_changed(pipeline_code, stage_id):
    """Tasks of one column were renewed or re-dated: open boards re-fetch it."""
    publish(columns_room(pipeline_code), "board_changed", {"from": stage_id, "to": stage_id, "scheduled": True})


def subject_moved(_subject, result):
    """A move, a step or a new subject on its first stage (from = to): the ids to the boards of
    those whose scope shows the subject, and the new counts to the all-seeing one. Everything comes from the result as flushed (no reload of the subject and its
    stages); the counts are read after the commit, the kept counters' SUM per stage."""
    from services.cards import board as card_board

    code = result.pipeline_code
    payload = {
        "subject_id": result.subject_id,
        "from": result.from_stage_id,
        "to": result.to_stage_id,
        "version": result.version,
    }
    if code == "cards":

        def with_counts():
            return dict(payload, counts={str(stage_id): n for stage_id, n in card_board.counts(None).items()})

        publish(all_seeing_room(code), "board_changed", with_counts)
    else:
        publish(all_seeing_room(code), "board_changed", payload)
    viewers = [viewer_room(code, user_id) for user_id in sorted(access.watchers_of(result.people))]
    if viewers:
        publish(viewers, "board_changed", payload)


def salary_changed(_sender, user_ids):
    """What some people earn changed: their own pages and their leaders' re-read it; the event names
    the people only."""
    people = sorted({user_id for user_id in user_ids if user_id is not None})
    if not people:
        return
    rooms = [user_room(user_id) for user_id in sorted(set(people) | hierarchy.leader_ids(people))]
    publish(rooms, "salary_changed", {"user_ids": people})


def notifications_changed(_sender, user_ids):
    """Their bells and menu badges: each person's unread count and its share per section, read after
    the commit."""
    from services.platform import notifications

    def payload(user_id):
        count, sections = notifications.unread(user_id)
        return {"unread": count, "sections": sections}

    for user_id in sorted(user_ids):
        publish(user_room(user_id), "notifications", lambda user_id=user_id: payload(user_id))


def forum_posted(_sender, topic_id, post_id, edited=False):
    """A new or edited post: the topic's open pages re-fetch it."""
    publish(object_room("forum_topic", topic_id), "forum_post", {"topic_id": topic_id, "post_id": post_id,
                                                                 "edited": bool(edited)})  # fmt: skip


def forum_read(_sender, topic_id, user_id, post_id):
    """Someone's read position rose: the topic's open pages re-read their "read by" counts."""
    publish(object_room("forum_topic", topic_id), "forum_read", {"topic_id": topic_id, "user_id": user_id,
                                                                 "post_id": post_id})  # fmt: skip
