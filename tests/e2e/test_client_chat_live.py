"""A client's chat in two real browsers: the supervisor and his employee, on the employee's client,
see each other's messages, the typing indicator and the read receipts as they happen."""

import pytest
from sqlalchemy import select

from extensions import db
from models.chats import ChatMessage

pytestmark = pytest.mark.e2e
EMPLOYEE = "Юлія Співробітник"  # the demo's `employee`
SUPERVISOR = "Дмитро Супервайзер"


def open_chat(new_page, username, client_id):
    from tests.e2e.pages import signed_in_live

    page = signed_in_live(new_page, username, f"/admin/clients/{client_id}/?tab=chat")
    page.wait_for_function("() => document.getElementById('client-chat').dataset.joined === '1'")
    return page


def last_message(page, text):
    return page.locator("#chat-messages .chat-message", has_text=text)


def test_two_people_see_messages_typing_and_receipts_live(new_page, demo):
    client_id = db.session.scalar(select(ChatMessage.client_id).limit(1))
    db.session.remove()
    supervisor = open_chat(new_page, "supervisor", client_id)
    employee = open_chat(new_page, "employee", client_id)
    assert employee.locator("#chat-messages .chat-message").count() == 4  # the demo's conversation
    employee.wait_for_function("() => !document.querySelector('.tab-badge-chat')")  # read on opening

    # She opened the chat: the supervisor's last message shows her among its readers at once.
    demo_last = last_message(supervisor, "example.com/contract")
    supervisor.wait_for_function(
        "() => Array.from(document.querySelectorAll('#chat-messages .chat-readers'))"
        f".some((node) => node.textContent.includes('{EMPLOYEE}'))"
    )
    demo_last.locator(".chat-receipt").click()
    assert EMPLOYEE in demo_last.locator(".chat-readers").inner_text()
    assert demo_last.locator(".chat-receipt").inner_text().startswith("✓")

    supervisor.locator("#chat-body").press_sequentially("Як там Ан", delay=20)
    employee.wait_for_function(f"() => document.getElementById('chat-typing').textContent.includes('{SUPERVISOR}')")

    supervisor.locator("#chat-body").fill("Як там Анна? <b>не жирний</b>")
    supervisor.locator("#chat-send").click()
    last_message(employee, "Як там Анна?").wait_for()
    assert last_message(employee, "Як там Анна?").locator("b").count() == 0  # text, never markup
    mine = last_message(supervisor, "Як там Анна?")
    mine.wait_for()
    supervisor.wait_for_function(
        "() => { const nodes = document.querySelectorAll('#chat-messages .chat-message');"
        f" return nodes[nodes.length - 1].querySelector('.chat-readers').textContent.includes('{EMPLOYEE}'); }}"
    )

    employee.locator("#chat-body").fill("Усе добре, записалась на четвер")
    employee.locator("#chat-send").click()
    last_message(supervisor, "Усе добре, записалась на четвер").wait_for()
    employee.wait_for_function(
        "() => { const nodes = document.querySelectorAll('#chat-messages .chat-message');"
        f" return nodes[nodes.length - 1].querySelector('.chat-readers').textContent.includes('{SUPERVISOR}'); }}"
    )
    supervisor.watch.check()
    employee.watch.check()
