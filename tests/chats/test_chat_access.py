"""Who may open a client's chat, on every entry point: the tab, the messages, writing, reading, the
members, an attachment and the socket room. Another team's client's chat is a 404 everywhere."""

import io

from extensions import db
from models.chats import ChatMessage
from services.chats import messages
from tests.factories.chats import write
from tests.view_helpers import post_form

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_responsible_and_his_leader_talk_and_the_other_team_sees_nothing(app, team, anna, browser, sockets):
    employee, supervisor, peer = browser("employee"), browser("supervisor"), browser("peer")
    tab = f"/admin/clients/{anna.id}/?tab=chat"
    assert employee.get(tab).status_code == 200 and supervisor.get(tab).status_code == 200
    response = post_form(employee, f"/admin/chats/{anna.id}/messages", form_page=tab, body="Hello <b>boss</b>")
    assert response.status_code == 200, response.text
    message_id = response.json["id"]

    listed = supervisor.get(f"/admin/chats/{anna.id}/messages").json
    assert [m["id"] for m in listed["messages"]] == [message_id]
    assert "Hello &lt;b&gt;boss&lt;/b&gt;" in listed["messages"][0]["html"]
    assert {p["name"] for p in listed["participants"]} == {"Eva Employee", "Sofia Supervisor"}
    assert listed["reads"] == {str(team["employee"].id): message_id, str(team["supervisor"].id): 0}

    for intruder in (peer, browser("intern"), browser("employee2")):
        assert intruder.get(tab).status_code == 404
        assert intruder.get(f"/admin/chats/{anna.id}/messages").status_code == 404
        page = "/admin/chats/"
        assert post_form(intruder, f"/admin/chats/{anna.id}/messages", form_page=page, body="x").status_code == 404
        assert (
            post_form(intruder, f"/admin/chats/{anna.id}/read", form_page=page, message_id=message_id).status_code
            == 404
        )
        assert post_form(intruder, f"/admin/chats/{anna.id}/members", form_page=page, user_id=1).status_code == 404
        assert anna.full_name not in intruder.get("/admin/chats/").text
    assert db.session.query(ChatMessage).count() == 1

    assert sockets(employee).join(f"client_chat:{anna.id}")["ok"] is True
    assert sockets(supervisor).join(f"client_chat:{anna.id}")["ok"] is True
    for outsider in (peer, browser("employee2")):
        assert sockets(outsider).join(f"client_chat:{anna.id}")["ok"] is False


def test_an_attachment_is_downloaded_only_by_who_may_open_the_chat(app, team, anna, browser):
    employee, peer = browser("employee"), browser("peer")
    tab = f"/admin/clients/{anna.id}/?tab=chat"
    from tests.conftest import csrf_token

    response = employee.post(f"/admin/chats/{anna.id}/messages", data={
        "csrf_token": csrf_token(employee, tab), "body": "", "file": (io.BytesIO(PDF), "contract.pdf")})  # fmt: skip
    assert response.status_code == 200, response.text
    message_id = response.json["id"]
    download = browser("supervisor").get(f"/admin/chats/files/{message_id}")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert peer.get(f"/admin/chats/files/{message_id}").status_code == 404
    refused = employee.post(f"/admin/chats/{anna.id}/messages", data={
        "csrf_token": csrf_token(employee, tab), "file": (io.BytesIO(b"MZ\x90\x00 not a document"), "x.exe")})  # fmt: skip
    assert refused.status_code == 422 and refused.json["message"]


def test_bad_input_is_refused_plainly(app, team, anna, browser):
    employee = browser("employee")
    tab = f"/admin/clients/{anna.id}/?tab=chat"
    assert post_form(employee, f"/admin/chats/{anna.id}/messages", form_page=tab, body="   ").status_code == 422
    too_long = post_form(employee, f"/admin/chats/{anna.id}/messages", form_page=tab, body="x" * 4001)
    assert too_long.status_code == 422
    assert employee.get(f"/admin/chats/{anna.id}/messages?after=abc").status_code == 400
    assert post_form(employee, f"/admin/chats/{anna.id}/read", form_page=tab, message_id="-1").status_code == 400
    assert employee.get("/admin/chats/?before=x").status_code == 400
    assert db.session.query(ChatMessage).count() == 0


def test_a_supervisor_adds_someone_of_his_team_who_then_loses_it_when_taken_out(app, team, anna, browser, sockets):
    supervisor, other = browser("supervisor"), browser("employee2")
    tab = f"/admin/clients/{anna.id}/?tab=chat"
    assert other.get(tab).status_code == 404
    assert other.get(f"/admin/chats/{anna.id}/messages").status_code == 404
    page = supervisor.get(tab).text
    assert "Emil Employee" in page and "Petro Peer" not in page  # only his own team is offered
    refused = post_form(supervisor, f"/admin/chats/{anna.id}/members", form_page=tab, user_id=team["peer"].id)
    assert refused.status_code == 302
    assert other.get(f"/admin/chats/{anna.id}/messages").status_code == 404
    post_form(supervisor, f"/admin/chats/{anna.id}/members", form_page=tab, user_id=team["employee2"].id)
    assert other.get(f"/admin/chats/{anna.id}/messages").status_code == 200
    assert other.get(f"/admin/clients/{anna.id}/").status_code == 404, "the chat, not the client"
    own_page = other.get(f"/admin/chats/{anna.id}/")  # where he reads and writes it
    assert own_page.status_code == 200 and 'id="client-chat"' in own_page.text
    assert 'id="chat-client-card"' not in own_page.text
    assert 'id="chat-client-card"' in supervisor.get(f"/admin/chats/{anna.id}/").text
    socket = sockets(other)
    assert socket.join(f"client_chat:{anna.id}")["ok"] is True
    write(anna, team["employee"], "Emil, have a look")
    assert socket.events("chat_message")
    assert f'href="/admin/chats/{anna.id}/"' in other.get("/admin/chats/").text  # in his list, to his page

    url = f"/admin/chats/{anna.id}/members/{team['employee2'].id}/delete"
    assert post_form(supervisor, url, form_page=tab).status_code == 302
    assert socket.events("room_closed") == [{"room": f"client_chat:{anna.id}"}]
    write(anna, team["employee"], "Thanks")
    assert socket.events("chat_message") == []
    assert other.get(f"/admin/chats/{anna.id}/messages").status_code == 404
    assert other.get(f"/admin/chats/{anna.id}/").status_code == 404


def test_the_dossier_keeps_the_chat_and_is_scoped_like_the_client(app, team, anna, browser):
    from openpyxl import load_workbook

    write(anna, team["employee"], "=cmd|' /C calc'!A0")
    write(anna, team["supervisor"], "Line one\nLine two")
    response = browser("supervisor").get(f"/admin/clients/{anna.id}/dossier.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Client", "Chat"]
    rows = list(book["Chat"].values)
    assert [row[1:3] for row in rows[1:]] == [("Eva Employee", "'=cmd|' /C calc'!A0"),
                                              ("Sofia Supervisor", "Line one\nLine two")]  # fmt: skip
    assert browser("peer").get(f"/admin/clients/{anna.id}/dossier.xlsx").status_code == 404


def test_a_message_is_escaped_and_its_links_made_safe():
    html = str(messages.as_html("<script>x</script> see https://example.com/a?b=1&c=2. and javascript:alert(1)\nok"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow"' in html
    assert 'href="javascript' not in html and html.endswith("<br>ok")


def test_messages_page_by_id_both_ways(app, team, anna, browser):
    from services.chats.messages import PAGE

    ids = [messages.post(anna, team["employee"], f"Message {n}").id for n in range(PAGE + 5)]
    db.session.commit()
    reader = browser("supervisor")
    latest = reader.get(f"/admin/chats/{anna.id}/messages").json
    assert [m["id"] for m in latest["messages"]] == ids[5:] and latest["more_before"] is True
    earlier = reader.get(f"/admin/chats/{anna.id}/messages?before={ids[5]}").json
    assert [m["id"] for m in earlier["messages"]] == ids[:5] and earlier["more_before"] is False
    assert [m["id"] for m in reader.get(f"/admin/chats/{anna.id}/messages?after={ids[-2]}").json["messages"]] == ids[
        -1:
    ]
