"""The main menu is rendered once per permissions, language and page and kept by the process: what
one person's menu holds never shows in another's, and a new grant or language shows at the next page."""

import re

from tests.factories.platform import make_user
from tests.view_helpers import run_outside_app, sign_in


def menu(page):
    """(the main menu's links, the active one's link) of a page."""
    html = page.text
    nav = html[html.index('class="nav navbar-nav mr-auto"') : html.index('id="user-menu"')]
    links = re.findall(r'href="(/admin/[^"]*)"', nav)
    active = re.search(r'<li class="active[^"]*">\s*<a[^>]*href="([^"]+)"', nav)
    return links, active.group(1) if active else None, nav


def test_each_person_sees_his_own_menu_whoever_had_one_first(app):
    owner = sign_in(app, make_user("menu_owner", "owner", language="en"))
    agent = sign_in(app, make_user("menu_agent", "agent", language="en"))
    owner_links, _, _ = menu(owner.get("/admin/tasks/"))
    agent_links, active, _ = menu(agent.get("/admin/tasks/"))
    assert "/admin/staff/" in owner_links and "/admin/staff/" not in agent_links
    assert "/admin/tracker/" in agent_links and active == "/admin/tasks/"
    assert menu(owner.get("/admin/tasks/"))[0] == owner_links
    assert menu(agent.get("/admin/tracker/"))[1] == "/admin/tracker/"  # the active item follows the page


def test_a_grant_or_a_language_shows_in_the_menu_at_the_next_page(app):
    agent = make_user("menu_agent2", "agent", language="en")
    client = sign_in(app, agent)
    links, _, nav = menu(client.get("/admin/tasks/"))
    assert "/admin/staff/" not in links and "Tasks" in nav
    run_outside_app(
        "INSERT INTO role_permissions (role_id, permission) VALUES (:role, 'staff.view')", role=agent.role_id
    )
    assert "/admin/staff/" in menu(client.get("/admin/tasks/"))[0]
    run_outside_app("UPDATE users SET language = 'uk' WHERE id = :id", id=agent.id)
    _, _, nav = menu(client.get("/admin/tasks/"))
    assert "Задачі" in nav and "Tasks" not in nav


def test_the_menu_is_rendered_once_for_the_same_permissions_language_and_page(app, monkeypatch):
    from admin_views.base import SecuredMixin

    asked = []
    original = SecuredMixin.is_accessible
    monkeypatch.setattr(SecuredMixin, "is_accessible", lambda view: asked.append(view) or original(view))
    first = sign_in(app, make_user("menu_first", "manager", language="en"))
    second = sign_in(app, make_user("menu_second", "manager", language="en"))
    asked.clear()
    first.get("/admin/tasks/")
    rendering = len(asked)
    asked.clear()
    page = second.get("/admin/tasks/")  # another manager: the same permissions, language and page
    assert rendering > 10 and len(asked) < 3  # the page's own check, not the menu's ~20 views twice
    assert "/admin/tracker/" in menu(page)[0]
