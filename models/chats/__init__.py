"""Client chats: one conversation per client between the people who look after him."""

from models.chats.chat import Chat, ChatMember, ChatMessage, ChatRead

__all__ = ["Chat", "ChatMember", "ChatMessage", "ChatRead"]
