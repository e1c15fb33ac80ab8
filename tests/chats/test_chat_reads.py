"""Read watermarks: one row per reader and chat, raised only, by one conditional UPDATE — concurrent
readers never lower it nor fail; the unread badges and the list of one's chats follow from them."""

import threading

from sqlalchemy import select

from extensions import db
from models.chats import ChatRead
from tests.conftest import csrf_token
from tests.factories.chats import write
from tests.view_helpers import EnglishRequestClient

RACERS = 6


def test_concurrent_readers_leave_the_highest_watermark(app, login_as, team, anna):
    ids = [write(anna, team["employee"], f"Message {n}").id for n in range(RACERS)]
    tab = f"/admin/clients/{anna.id}/?tab=chat"
    readers = []
    for name in ("supervisor", "supervisor", "supervisor", "owner", "owner", "owner"):
        client = login_as(team[name], client=EnglishRequestClient(app, app.response_class, use_cookies=True))
        readers.append((client, csrf_token(client, tab)))
    start = threading.Barrier(len(readers))
    answers = [None] * len(readers)

    def read(index, client, token):
        start.wait()
        answers[index] = client.post(f"/admin/chats/{anna.id}/read", data={"message_id": ids[index],
                                                                          "csrf_token": token})  # fmt: skip

    threads = [threading.Thread(target=read, args=(n, *pair)) for n, pair in enumerate(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [answer.status_code for answer in answers] == [200] * RACERS
    db.session.expire_all()
    marks = dict(db.session.execute(select(ChatRead.user_id, ChatRead.last_read_message_id)
                                    .where(ChatRead.client_id == anna.id)).all())  # fmt: skip
    assert marks[team["supervisor"].id] == ids[2] and marks[team["owner"].id] == ids[5]

    again = readers[0][0].post(f"/admin/chats/{anna.id}/read", data={"message_id": ids[0], "csrf_token": readers[0][1]})
    assert again.json["moved"] is False
    db.session.expire_all()
    assert db.session.get(ChatRead, (team["supervisor"].id, anna.id)).last_read_message_id == ids[2]


def test_unread_badges_on_the_tab_and_the_list_of_my_chats(app, team, anna, browser):
    from tests.factories.clients import make_client

    boris = make_client(team["employee"], full_name="Boris Lys", office_id=team["office"].id)
    leader = browser("supervisor")
    assert "No chats yet" in leader.get("/admin/chats/").text
    write(anna, team["employee"], "One")
    write(anna, team["employee"], "Two")
    last = write(boris, team["employee"], "Hi")
    page = leader.get(f"/admin/clients/{anna.id}/").text
    assert 'tab-badge-chat">2<' in page
    listed = leader.get("/admin/chats/").text
    assert listed.index("Boris Lys") < listed.index("Anna Koval"), "the latest first"
    tab = f"/admin/clients/{boris.id}/?tab=chat"
    from tests.view_helpers import post_form

    post_form(leader, f"/admin/chats/{boris.id}/read", form_page=tab, message_id=last.id)
    unread = leader.get("/admin/chats/?unread=1").text
    assert "Anna Koval" in unread and "Boris Lys" not in unread
    assert "tab-badge-chat" not in leader.get(f"/admin/clients/{boris.id}/").text
    assert "tab-badge-chat" not in browser("employee").get(f"/admin/clients/{anna.id}/").text, "his own are read"


def test_the_list_of_my_chats_pages_by_the_last_message(app, team, anna):
    from services.chats import lists
    from tests.factories.clients import make_client

    others = [make_client(team["employee"], full_name=f"Client {n}", office_id=team["office"].id) for n in range(3)]
    for client in [anna, *others]:
        write(client, team["employee"], "Hi")
    seen, before = [], None
    while True:
        rows, before = lists.page(team["supervisor"], before, limit=2)
        seen += [client.full_name for client, _at, _unread in rows]
        if before is None:
            break
    assert seen == ["Client 2", "Client 1", "Client 0", "Anna Koval"]
