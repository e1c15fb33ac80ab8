"""Who sees what, on every entry point: the branch tree, branch and topic pages, photos, socket
rooms and search. An employee never sees a private branch or a restricted topic he was not invited
to; what he does not see is a 404."""

from extensions import db
from services.forum import posts, visibility
from tests.factories.forum import make_branch, make_topic, png_upload
from tests.view_helpers import signed_in


def _world(team):
    leader = team["leader"]
    company = make_branch(team["owner"], "Company")
    sales = make_branch(leader, "Sales", parent=company)
    scripts = make_branch(leader, "Scripts", parent=sales)
    private = make_branch(team["owner"], "Managers", visibility_kind="private", members=[leader.id])
    under_private = make_branch(team["owner"], "Managers' plans", parent=private)
    audience = make_branch(team["owner"], "Sales department", visibility_kind="audience",
                           audience={"department": [team["department"].id]})  # fmt: skip
    secret = make_topic(leader, scripts, "Secret plan", "the hidden word zanzibar", restricted=True,
                        uploads=[png_upload()])  # fmt: skip
    hidden = make_topic(team["owner"], under_private, "Budget", "zanzibar budget", uploads=[png_upload()])
    open_topic = make_topic(leader, scripts, "Open script", "zanzibar for everyone")
    return locals()


def test_three_levels_and_the_rules_of_each_branch(team):
    w = _world(team)
    seen = visibility.branch_ids(team["emp"])
    assert {w["company"].id, w["sales"].id, w["scripts"].id, w["audience"].id} <= seen
    assert w["private"].id not in seen and w["under_private"].id not in seen
    assert w["audience"].id not in visibility.branch_ids(team["outsider"])
    assert {w["private"].id, w["under_private"].id} <= visibility.branch_ids(team["leader"])


def test_an_employee_never_opens_a_private_branch_or_a_topic_he_was_not_invited_to(app, login_as, team):
    w = _world(team)
    browser = signed_in(app, login_as, team["emp"])
    index = browser.get("/admin/forum/")
    assert index.status_code == 200
    assert "Scripts" in index.text and "Managers" not in index.text
    for path in (f"/admin/forum/branch/{w['private'].id}/", f"/admin/forum/branch/{w['under_private'].id}/",
                 f"/admin/forum/topic/{w['secret'].id}/", f"/admin/forum/topic/{w['hidden'].id}/",
                 f"/admin/forum/topic/{w['secret'].id}/receipts?posts=1",
                 f"/admin/forum/post/{w['secret'].last_post_id}/readers",
                 f"/admin/forum/post/{w['secret'].last_post_id}/fragment",
                 f"/admin/forum/post/{w['hidden'].last_post_id}/history",
                 f"/admin/forum/branch/{w['under_private'].id}/topic/new"):  # fmt: skip
        assert browser.get(path).status_code == 404, path
    branch_page = browser.get(f"/admin/forum/branch/{w['scripts'].id}/")
    assert "Open script" in branch_page.text and "Secret plan" not in branch_page.text
    assert browser.get(f"/admin/forum/topic/{w['open_topic'].id}/").status_code == 200


def test_photos_are_served_only_to_who_sees_their_topic(app, login_as, team):
    w = _world(team)
    photo = posts.photos.of_posts([w["secret"].last_post_id])[w["secret"].last_post_id][0]
    hidden_photo = posts.photos.of_posts([w["hidden"].last_post_id])[w["hidden"].last_post_id][0]
    outsider = signed_in(app, login_as, team["emp"])
    for path in (f"/admin/forum/photo/{photo.id}", f"/admin/forum/photo/{photo.id}/thumb",
                 f"/admin/forum/photo/{hidden_photo.id}"):  # fmt: skip
        assert outsider.get(path).status_code == 404, path
    leader = signed_in(app, login_as, team["leader"])
    full, thumb = leader.get(f"/admin/forum/photo/{photo.id}"), leader.get(f"/admin/forum/photo/{photo.id}/thumb")
    assert full.status_code == thumb.status_code == 200
    assert full.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in full.headers["Cache-Control"]
    assert full.mimetype == "image/png" and len(thumb.data) < len(full.data)


def test_socket_rooms_follow_the_topic_s_rule(app, login_as, team, sockets):
    w = _world(team)
    employee = sockets(signed_in(app, login_as, team["emp"]))
    assert employee.join(f"forum_topic:{w['open_topic'].id}")["ok"] is True
    assert employee.join(f"forum_topic:{w['secret'].id}")["ok"] is False
    assert employee.join(f"forum_topic:{w['hidden'].id}")["ok"] is False
    leader = sockets(signed_in(app, login_as, team["leader"]))
    assert leader.join(f"forum_topic:{w['secret'].id}")["ok"] is True


def test_search_finds_only_what_the_reader_sees(app, login_as, team):
    w = _world(team)
    employee = signed_in(app, login_as, team["emp"])
    page = employee.get("/admin/forum/search?q=zanzibar")
    assert page.status_code == 200
    assert "Open script" in page.text
    assert "Secret plan" not in page.text and "Budget" not in page.text
    leader = signed_in(app, login_as, team["leader"])
    page = leader.get("/admin/forum/search?q=zanzibar")
    assert "Secret plan" in page.text and "Budget" in page.text and "Open script" in page.text
    assert w["secret"].id


def test_an_invited_employee_sees_the_restricted_topic(app, login_as, team):
    w = _world(team)
    posts.invite(team["leader"], db.session.get(type(w["secret"]), w["secret"].id), [team["emp"].id])
    db.session.commit()
    browser = signed_in(app, login_as, team["emp"])
    assert browser.get(f"/admin/forum/topic/{w['secret'].id}/").status_code == 200
    assert "Secret plan" in browser.get("/admin/forum/search?q=zanzibar").text


def test_search_snippets_are_escaped_and_hostile_queries_are_harmless(app, login_as, team):
    branch = make_branch(team["owner"], "Company")
    make_topic(team["owner"], branch, "Markup", "watch <script>alert(1)</script> here")
    browser = signed_in(app, login_as, team["emp"])
    page = browser.get("/admin/forum/search?q=script")
    assert "<script>alert(1)" not in page.text
    for query in ('"', "NEAR(", "a OR", "*", "'; DROP", "-", "^x"):
        assert browser.get("/admin/forum/search", query_string={"q": query}).status_code == 200, query
