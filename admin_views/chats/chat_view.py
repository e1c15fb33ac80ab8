"""The chats' pages (/admin/chats/): the list of the chats a person follows, and the endpoints the
chat tab of a client's page talks to — its messages as rendered HTML (keyset both ways), a new
message, the reader's watermark, its members, an attachment's download. Every one opens the chat
through services/chats/rules.py first: a chat one may not open is a 404."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from admin_views.base import SecuredView, parse_id
from extensions import db
from services.chats import lists, members, messages, rules
from services.platform import people_choices, unit_of_work, uploads


def chat_client(client_id):
    client = rules.client_of(current_user, client_id)
    if client is None:
        abort(404)  # another team's client's chat looks exactly like a missing one
    return client


def message_json(message):
    return {
        "id": message.id,
        "author_id": message.author_id,
        "html": render_template("admin/chats/_message.html", message=message, me=current_user.id),
    }


def panel_context(client):
    """What the chat tab of the client's page shows besides the messages (they come from /messages)."""
    participants = rules.participant_ids(client)
    names = people_choices.names_of(participants)
    added = [(member, members.may_remove(client, current_user, member)) for member in rules.members(client.id)]
    return {
        "chat_participants": sorted(names.items(), key=lambda item: item[1]),
        "chat_members": added,
        "chat_addable": members.addable(client, current_user),
        "chat_room": f"client_chat:{client.id}",
    }


class ChatsView(SecuredView):
    permission = rules.PERMISSION

    @expose("/")
    def index_view(self):
        before = parse_id(request.args.get("before")) if request.args.get("before") else None
        if request.args.get("before") and before is None:
            abort(400)
        unread_only = request.args.get("unread") == "1"
        rows, next_before = lists.page(current_user, before, unread_only)
        return self.render("admin/chats/index.html", rows=rows, next_before=next_before, unread_only=unread_only,
                           paged=before is not None)  # fmt: skip

    @expose("/<id:client_id>/")
    def chat_page(self, client_id):
        """The chat alone, for everyone in it: also a person added from outside the client's scope,
        who cannot open the client's page (those who can get a link to it)."""
        client = chat_client(client_id)
        return self.render("admin/chats/chat.html", client=client, sees_client=rules.sees_client(current_user, client.id),
                           **panel_context(client))  # fmt: skip

    @expose("/<id:client_id>/messages")
    def messages_json(self, client_id):
        client = chat_client(client_id)
        after = request.args.get("after")
        before = request.args.get("before")
        if (after and parse_id(after) is None) or (before and parse_id(before) is None):
            return jsonify({"message": _("The page was not understood.")}), 400
        more = None
        if after:
            found = messages.after(client.id, parse_id(after))
        else:
            found, more = messages.before(client.id, parse_id(before) if before else None)
        participants = rules.participant_ids(client)
        return jsonify({
            "messages": [message_json(message) for message in found],
            "more_before": more,
            "reads": {str(k): v for k, v in messages.watermarks(client.id, participants).items()},
            "participants": [{"id": k, "name": v} for k, v in people_choices.names_of(participants).items()],
        })  # fmt: skip

    @expose("/<id:client_id>/messages", methods=("POST",))
    def post_message(self, client_id):
        client = chat_client(client_id)
        try:
            message = messages.post(client, current_user, request.form.get("body", ""), request.files.get("file"))
        except messages.ChatError as error:
            db.session.rollback()
            errors = {name: str(text) for name, text in error.errors.items()}
            return jsonify({"message": str(error.message), "errors": errors}), 422
        unit_of_work.commit(keep=current_user)
        return jsonify({"ok": True, "id": message.id})

    @expose("/<id:client_id>/read", methods=("POST",))
    def mark_read(self, client_id):
        client = chat_client(client_id)
        message_id = parse_id(request.form.get("message_id"))
        if message_id is None:
            return jsonify({"message": _("Which message?")}), 400
        moved = messages.mark_read(client, current_user, message_id)
        unit_of_work.commit(keep=current_user)
        return jsonify({"ok": True, "moved": moved})

    @expose("/<id:client_id>/members", methods=("POST",))
    def add_member(self, client_id):
        client = chat_client(client_id)
        try:
            members.add(client, current_user, request.form.get("user_id"))
        except members.MemberError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            unit_of_work.commit(keep=current_user)
            flash(_("The person is added to the chat."), "success")
        return redirect(url_for("clients.client_page", client_id=client.id, tab="chat"))

    @expose("/<id:client_id>/members/<id:user_id>/delete", methods=("POST",))
    def remove_member(self, client_id, user_id):
        client = chat_client(client_id)
        try:
            members.remove(client, current_user, user_id)
        except members.MemberError as error:
            db.session.rollback()
            abort(error.status)
        unit_of_work.commit(keep=current_user)
        flash(_("The person is taken out of the chat."), "success")
        if rules.client_of(current_user, client.id) is None:
            return redirect(self.get_url(".index_view"))
        return redirect(url_for("clients.client_page", client_id=client.id, tab="chat"))

    @expose("/files/<id:message_id>")
    def attachment(self, message_id):
        message = messages.visible_message(current_user, message_id)
        if message is None or message.file is None:
            abort(404)
        return uploads.download(message.file)
