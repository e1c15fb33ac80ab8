from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import utcnow


class OutboxMessage(db.Model):
    """An e-mail the app sent where no mail server is set (embedded mode): kept whole, attachment
    included, for the outbox page, so that nothing sent is lost from sight."""

    __tablename__ = "outbox_messages"
    __scope__ = "all"  # every row, to whoever may open its view (access.scope_rule)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False, index=True)
    sender: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    recipients: Mapped[str] = mapped_column(sa.Text, nullable=False)
    subject: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    attachment_name: Mapped[str | None] = mapped_column(sa.String(200))
    attachment_type: Mapped[str | None] = mapped_column(sa.String(120))
    attachment: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
