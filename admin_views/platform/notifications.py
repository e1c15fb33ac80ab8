"""The notification centre's page (/admin/notifications/): a person's notifications, the latest
first, read and unread; opening one marks it read; his choice per kind (in the app, in the e-mail
digest). The bell in the top bar shows his unread count (`unread_notifications`), kept live."""

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from admin_views.base import SecuredView, parse_id
from extensions import db
from models.platform.notification import Notification
from services.platform import notifications, unit_of_work


def unread_notifications():
    """The signed-in person's unread count and its share per menu section, for the bell and the
    menu's badges."""
    if not current_user.is_authenticated:
        return 0, {}
    return notifications.unread(current_user.id)


class NotificationsView(SecuredView):
    def is_visible(self):
        return False  # reached from the bell in the top bar

    @expose("/")
    def index(self):
        before = parse_id(request.args.get("before")) if request.args.get("before") else None
        unread_only = request.args.get("show") == "unread"
        items = notifications.page_of(current_user.id, before, unread_only, notifications.PAGE + 1)
        more = len(items) > notifications.PAGE
        items = items[: notifications.PAGE]
        return self.render(
            "admin/platform/notifications.html", items=items, sentence=notifications.sentence, unread_only=unread_only,
            next_before=items[-1].id if more else None, kinds=notifications.KINDS,
            choices=notifications.choices_of(current_user.id), unread=notifications.unread_count(current_user.id),
        )  # fmt: skip

    @expose("/<id:notification_id>/open")
    def open(self, notification_id):
        item = db.session.get(Notification, notification_id)
        if item is None or item.user_id != current_user.id:
            abort(404)
        notifications.mark_read(current_user.id, [item.id])
        unit_of_work.commit(keep=current_user)
        # Only a path of this site: a kept link never sends anyone elsewhere.
        target = item.link if item.link.startswith("/") and not item.link.startswith("//") else None
        return redirect(target or self.get_url(".index"))

    @expose("/read", methods=("POST",))
    def read(self):
        ids = None if request.form.get("all") else {parse_id(value) for value in request.form.getlist("id")} - {None}
        if ids is not None and not ids:
            abort(400)
        notifications.mark_read(current_user.id, ids)
        unit_of_work.commit(keep=current_user)
        return redirect(self.get_url(".index"))

    @expose("/settings", methods=("POST",))
    def settings(self):
        chosen = {code: (request.form.get(f"{code}.in_app") == "y", request.form.get(f"{code}.email") == "y")
                  for code in notifications.KINDS}  # fmt: skip
        notifications.save_choices(current_user.id, chosen)
        unit_of_work.commit(keep=current_user)
        flash(_("Your notification settings are saved."), "success")
        return redirect(self.get_url(".index"))
