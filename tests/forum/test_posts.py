"""Topics and posts: the branch page's order and keyset paging, closing and pinning by the branch's
managers, edits with their history, photos by the documents' rules, invitations from one's own
subordinates only, and notifications after the commit only."""

import pytest
from sqlalchemy import select

from extensions import db
from models.forum import ForumPostEdit, ForumTopic
from models.platform import Notification
from services.forum import posts, topics
from services.forum.photos import PhotoError
from services.forum.posts import ForumError
from services.platform import unit_of_work
from tests.factories.forum import make_branch, make_topic, png_upload
from tests.view_helpers import post_form, signed_in


def test_pinned_first_then_by_last_activity_in_keyset_pages(team, monkeypatch):
    branch = make_branch(team["owner"], "Company")
    made = [make_topic(team["emp"], branch, f"Topic {n}") for n in range(7)]
    posts.set_flags(team["owner"], made[0], pinned=True)
    posts.add_post(team["emp"], made[2], "a fresh reply")
    db.session.commit()
    monkeypatch.setattr(topics, "PAGE", 3)
    pinned, first, cursor = topics.page(team["emp2"], branch)
    assert [t.title for t, _ in pinned] == ["Topic 0"]
    assert [t.title for t, _ in first] == ["Topic 2", "Topic 6", "Topic 5"]
    assert all(unread for _, unread in first)
    _, second, cursor = topics.page(team["emp2"], branch, topics.parse_cursor(cursor))
    assert [t.title for t, _ in second] == ["Topic 4", "Topic 3", "Topic 1"]
    assert cursor is None, "the last page says so"


def test_closed_topics_take_no_posts_and_only_managers_pin_or_close(team):
    branch = make_branch(team["leader"], "Sales")
    topic = make_topic(team["emp"], branch)
    with pytest.raises(ForumError) as refused:
        posts.set_flags(team["emp"], topic, closed=True)
    assert refused.value.status == 403
    posts.set_flags(team["leader"], topic, closed=True)
    with pytest.raises(ForumError) as refused:
        posts.add_post(team["emp2"], topic, "late")
    assert refused.value.status == 409
    assert topic.post_count == 1


def test_edits_keep_the_earlier_body_and_only_the_author_edits(app, login_as, team):
    branch = make_branch(team["owner"], "Company")
    topic = make_topic(team["emp"], branch, body="first words")
    post_id = topic.last_post_id
    browser = signed_in(app, login_as, team["emp"])
    response = post_form(browser, f"/admin/forum/post/{post_id}/edit", body="better words")
    assert response.status_code == 302
    assert [edit.body for edit in db.session.scalars(select(ForumPostEdit))] == ["first words"]
    history = browser.get(f"/admin/forum/post/{post_id}/history")
    assert "first words" in history.text and "better words" in history.text
    other = signed_in(app, login_as, team["emp2"])
    assert post_form(other, f"/admin/forum/post/{post_id}/edit", body="mine now").status_code == 403
    assert post_form(browser, f"/admin/forum/post/{post_id}/edit", body="").status_code == 422


def test_pages_of_the_forum_answer(app, login_as, team):
    branch = make_branch(team["leader"], "Sales")
    topic = make_topic(team["emp"], branch, "Hello", "**bold** words")
    browser = signed_in(app, login_as, team["leader"])
    for path in ("/admin/forum/", f"/admin/forum/branch/{branch.id}/", f"/admin/forum/topic/{topic.id}/",
                 "/admin/forum/branch/new", f"/admin/forum/branch/{branch.id}/edit",
                 f"/admin/forum/branch/{branch.id}/topic/new", f"/admin/forum/topic/{topic.id}/invite"):  # fmt: skip
        assert browser.get(path).status_code == 200, path
    assert "<strong>bold</strong>" in browser.get(f"/admin/forum/topic/{topic.id}/").text
    made = post_form(browser, "/admin/forum/branch/new", title="Scripts", visibility="all")
    assert made.status_code == 302
    bad = post_form(browser, "/admin/forum/branch/new", title="", visibility="nope")
    assert bad.status_code == 422
    assert signed_in(app, login_as, team["emp"]).get("/admin/forum/branch/new").status_code == 403


def test_photos_follow_the_documents_rules_with_a_thumbnail(team):
    branch = make_branch(team["owner"], "Company")
    topic = make_topic(team["emp"], branch, uploads=[png_upload((1200, 800))])
    photo = posts.photos.of_posts([topic.last_post_id])[topic.last_post_id][0]
    assert photo.file.content_type == "image/png" and photo.thumb.id != photo.file.id
    assert photo.thumb.size < photo.file.size
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    fake = FileStorage(stream=BytesIO(b"<svg onload=alert(1)></svg>"), filename="x.png", content_type="image/png")
    with pytest.raises(PhotoError):
        posts.add_post(team["emp"], topic, "with a fake picture", uploads=[fake])


def test_invitations_only_from_one_s_subordinates_and_told_after_the_commit(app, team):
    branch = make_branch(team["owner"], "Company")
    topic = make_topic(team["leader"], branch, restricted=True)
    with pytest.raises(ForumError):
        posts.invite(team["leader"], topic, [team["outsider"].id])
    db.session.rollback()
    own_topic = make_topic(team["emp"], branch, "Emma's", restricted=True)
    with pytest.raises(ForumError):
        posts.invite(team["emp"], own_topic, [team["emp2"].id])  # not her subordinate
    db.session.rollback()
    topic = db.session.get(ForumTopic, topic.id)
    db.session.execute(select(1))
    posts.invite(team["leader"], topic, [team["emp"].id])
    db.session.rollback()
    assert db.session.scalars(select(Notification)).all() == [], "a rolled-back invitation tells nobody"
    topic = db.session.get(ForumTopic, topic.id)
    posts.invite(team["leader"], topic, [team["emp"].id])
    unit_of_work.commit()
    told = db.session.scalars(select(Notification)).all()
    assert [(n.user_id, n.kind) for n in told] == [(team["emp"].id, "forum.invited")]


def test_a_mention_tells_only_who_sees_the_topic(team):
    branch = make_branch(team["owner"], "Company")
    topic = make_topic(team["leader"], branch, restricted=True)
    posts.add_post(team["leader"], topic, "@emma and @oscar, look")
    db.session.commit()
    assert db.session.scalars(select(Notification)).all() == []
    open_topic = make_topic(team["leader"], branch, "Open")
    posts.add_post(team["leader"], open_topic, "@emma and @oscar, look")
    db.session.commit()
    told = sorted((n.user_id, n.kind) for n in db.session.scalars(select(Notification)))
    assert told == sorted([(team["emp"].id, "forum.mentioned"), (team["outsider"].id, "forum.mentioned")])


def test_a_refused_reply_is_a_4xx_that_keeps_what_was_written(app, login_as, team):
    branch = make_branch(team["leader"], "Sales")
    topic = make_topic(team["emp"], branch, "Hello", "first")
    browser = signed_in(app, login_as, team["emp"])
    url = f"/admin/forum/topic/{topic.id}/"
    empty = post_form(browser, f"{url}post", form_page=url, body="   ")
    assert empty.status_code == 422 and 'id="reply"' in empty.text
    too_long = post_form(browser, f"{url}post", form_page=url, body="x" * 20001)
    assert too_long.status_code == 422 and "x" * 100 in too_long.text  # the text is kept in the form
    db.session.expire_all()
    assert db.session.get(ForumTopic, topic.id).post_count == 1
