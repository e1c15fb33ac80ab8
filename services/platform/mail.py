"""Sending e-mail: through the SMTP server of MAIL_SERVER, or, where none is set (embedded mode, a
newcomer's machine), into the outbox that owners and administrators read in the app
(/admin/outbox/), so that nothing sent is lost from sight. The outbox row is part of the sender's
unit of work; SMTP sends at once."""

import smtplib

from flask import current_app

from extensions import db
from models.platform.mail import OutboxMessage


def send(message):
    """Send an `email.message.EmailMessage`."""
    config = current_app.config
    if config.get("MAIL_TRANSPORT") == "outbox":
        db.session.add(_kept(message))
        db.session.flush()
        return
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=config["MAIL_TIMEOUT_SECONDS"]) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def _kept(message):
    body = message.get_body(preferencelist=("plain", "html"))
    attachment = next(iter(message.iter_attachments()), None)
    return OutboxMessage(
        sender=str(message.get("From", ""))[:200],
        recipients=", ".join(str(part) for part in message.get_all("To", [])),
        subject=str(message.get("Subject", ""))[:300],
        body=body.get_content() if body is not None else "",
        attachment_name=(attachment.get_filename() or "")[:200] if attachment is not None else None,
        attachment_type=attachment.get_content_type()[:120] if attachment is not None else None,
        attachment=attachment.get_content() if attachment is not None else None,
    )
