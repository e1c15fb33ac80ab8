"""The outbox: the e-mails the app kept because no mail server is set (services/platform/mail.py),
for owners and administrators to read, with their files. Read-only."""

import io

from flask import abort, send_file
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from admin_views.base import SecuredModelView


def _attachment_link(view, context, model, name):
    if not model.attachment_name:
        return ""
    url = view.get_url(".attachment", message_id=model.id)
    return Markup(f'<a href="{escape(url)}">{escape(model.attachment_name)}</a>')  # noqa: S704 (escaped)


def _body(view, context, model, name):
    return Markup(f'<pre class="outbox-body">{escape(model.body)}</pre>')  # noqa: S704 (escaped)


class OutboxView(SecuredModelView):
    permission = "outbox.view"
    column_list = ("created_at", "recipients", "subject", "attachment_name")
    column_details_list = ("created_at", "sender", "recipients", "subject", "attachment_name", "body")
    column_searchable_list = ("recipients", "subject")
    column_default_sort = ("id", True)
    simple_list_pager = True
    column_labels = {
        "created_at": _l("Sent"),
        "sender": _l("From"),
        "recipients": _l("To"),
        "subject": _l("Subject"),
        "attachment_name": _l("File"),
        "body": _l("Text"),
    }
    column_formatters = {"attachment_name": _attachment_link}
    column_formatters_detail = {"attachment_name": _attachment_link, "body": _body}
    details_template = "admin/model/details.html"

    @expose("/<id:message_id>/attachment")
    def attachment(self, message_id):
        message = self.get_one(str(message_id))
        if message is None or message.attachment is None:
            abort(404)
        return send_file(
            io.BytesIO(message.attachment),
            mimetype=message.attachment_type or "application/octet-stream",
            as_attachment=True,
            download_name=message.attachment_name or "file",
        )
