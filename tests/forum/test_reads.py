"""Read watermarks: a row per person and topic that only rises, even with two readers at once;
"read by N of M" per message, the list of names, and the live events after the commit."""

import threading

import pytest
from sqlalchemy import func, select

from extensions import db
from models.forum import ForumParticipant, ForumTopic
from services.forum import posts, reads
from services.platform import unit_of_work
from tests.conftest import SERVICES_MODE
from tests.factories.forum import make_branch, make_topic
from tests.view_helpers import signed_in


def _topic_with_posts(team, restricted=False, count=3):
    branch = make_branch(team["owner"], "Company")
    topic = make_topic(team["leader"], branch, restricted=restricted)
    for n in range(count - 1):
        posts.add_post(team["leader"], topic, f"message {n}")
    db.session.commit()
    return topic


def test_the_watermark_only_rises_and_is_one_row_per_person(team):
    topic = _topic_with_posts(team)
    first, last = topic.last_post_id - 2, topic.last_post_id
    assert reads.mark_read(team["emp"], topic, last) is True
    assert reads.mark_read(team["emp"], topic, first) is False
    assert reads.mark_read(team["emp"], topic, last + 1000) is False, "never past the last post"
    assert reads.watermark(team["emp"].id, topic.id) == last
    count = db.session.scalar(select(func.count()).select_from(ForumParticipant).where(
        ForumParticipant.topic_id == topic.id, ForumParticipant.user_id == team["emp"].id))  # fmt: skip
    assert count == 1


def test_read_by_n_of_m_for_a_restricted_topic_and_the_names(app, login_as, team):
    topic = _topic_with_posts(team, restricted=True)
    posts.invite(team["leader"], topic, [team["emp"].id, team["emp2"].id])
    db.session.commit()
    first, last = topic.last_post_id - 2, topic.last_post_id
    reads.mark_read(team["emp"], topic, first)
    db.session.commit()
    counts = reads.receipts(topic, [first, last])
    assert counts == {first: (1, 2), last: (0, 2)}
    browser = signed_in(app, login_as, team["leader"])
    answer = browser.get(f"/admin/forum/post/{first}/readers").get_json()
    assert answer == {"read": ["Emma Employee"], "unread": ["Evan Employee"]}
    receipts = browser.get(f"/admin/forum/topic/{topic.id}/receipts?posts={first},{last}").get_json()
    assert receipts == {"posts": {str(first): [1, 2], str(last): [0, 2]}}


def test_reading_over_http_raises_the_mark_and_tells_the_topic_s_room(app, login_as, team, sockets):
    topic = _topic_with_posts(team)
    author = signed_in(app, login_as, team["leader"])
    socket = sockets(author)
    assert socket.join(f"forum_topic:{topic.id}")["ok"] is True
    reader = signed_in(app, login_as, team["emp"])
    from tests.conftest import csrf_token

    token = csrf_token(reader, f"/admin/forum/topic/{topic.id}/")
    answer = reader.post(f"/admin/forum/topic/{topic.id}/read", data={"post": topic.last_post_id},
                         headers={"X-CSRFToken": token})  # fmt: skip
    assert answer.status_code == 200 and answer.get_json()["raised"] is True
    assert socket.events("forum_read") == [{"topic_id": topic.id, "user_id": team["emp"].id,
                                            "post_id": topic.last_post_id}]  # fmt: skip
    assert reader.post(f"/admin/forum/topic/{topic.id}/read", data={"post": "x"},
                       headers={"X-CSRFToken": token}).status_code == 400  # fmt: skip


def test_a_new_post_is_announced_after_the_commit_only(app, login_as, team, sockets):
    topic_id = _topic_with_posts(team, count=1).id
    socket = sockets(signed_in(app, login_as, team["emp"]))
    socket.join(f"forum_topic:{topic_id}")
    with app.app_context():
        topic = db.session.get(ForumTopic, topic_id)
        posts.add_post(db.session.get(type(team["leader"]), team["leader"].id), topic, "rolled back")
        db.session.rollback()
    assert socket.events("forum_post") == []
    with app.app_context():
        topic = db.session.get(ForumTopic, topic_id)
        post = posts.add_post(db.session.get(type(team["leader"]), team["leader"].id), topic, "kept")
        unit_of_work.commit()
        post_id = post.id
    assert socket.events("forum_post") == [{"topic_id": topic_id, "post_id": post_id, "edited": False}]


@pytest.mark.skipif(not SERVICES_MODE, reason="two connections writing at once need PostgreSQL")
def test_two_readers_at_once_never_turn_the_mark_back(app, team):
    topic = _topic_with_posts(team, count=40)
    ids = list(range(topic.last_post_id - 39, topic.last_post_id + 1))
    user_id, topic_id = team["emp"].id, topic.id
    errors = []

    def read(order):
        try:
            with app.app_context():
                user = db.session.get(type(team["emp"]), user_id)
                mine = db.session.get(ForumTopic, topic_id)
                for post_id in order:
                    reads.mark_read(user, mine, post_id)
                    db.session.commit()
                    assert reads.watermark(user_id, topic_id) >= post_id
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=read, args=(ids,)), threading.Thread(target=read, args=(list(reversed(ids)),))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    assert reads.watermark(user_id, topic_id) == ids[-1]
