"""The chats' domain events (blinker), sent inside the change's transaction; admin_views/chats turns
them into socket events for after the commit."""

from blinker import Namespace

_signals = Namespace()

posted = _signals.signal("chat-posted")  # client_id, message_id, author_id
read = _signals.signal("chat-read")  # client_id, user_id, message_id: a watermark was raised
access_lost = _signals.signal("chat-access-lost")  # client_id, user_ids: they may no longer open it
