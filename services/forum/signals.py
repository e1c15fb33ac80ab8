"""The forum's domain events, sent inside the transaction; realtime turns them into socket events
after the commit (realtime/notify.py). They carry ids only."""

from blinker import Namespace

_signals = Namespace()
posted = _signals.signal("forum-posted")  # topic_id, post_id: a new post, or an edited one (edited=True)
read = _signals.signal("forum-read")  # topic_id, user_id, post_id: someone's watermark rose
