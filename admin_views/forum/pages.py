"""The forum's pages. Every object read by id goes through the forum's visibility rule
(services/forum/visibility.py): what a person does not see is a 404, never a 403."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from admin_views.base import SecuredView, parse_id
from admin_views.forum import VISIBILITY_LABELS
from extensions import db
from models.forum import ForumBranch, ForumParticipant
from models.forum.post import BODY_MAX
from models.platform.org import Department, Office, Position
from models.platform.user import User
from services.forum import branches, photos, posts, reads, search, topics, visibility
from services.platform import rich_text, unit_of_work, uploads
from services.platform.errors import RefusedChange


def _branch_or_404(branch_id):
    branch = visibility.visible_branch(current_user, branch_id)
    if branch is None:
        abort(404)
    return branch


def _topic_or_404(topic_id):
    topic = visibility.visible_topic(current_user, topic_id)
    if topic is None:
        abort(404)
    return topic


def _post_or_404(post_id):
    post, topic = posts.visible_post(current_user, post_id)
    if post is None:
        abort(404)
    return post, topic


def _refused(error):
    db.session.rollback()
    if error.status == 404:
        abort(404)
    if error.status == 403:
        abort(403)
    flash(str(error.message), "error")


class ForumView(SecuredView):
    permission = "forum.view"

    # ---- the branch tree and a branch's topics --------------------------------------------------

    @expose("/")
    def index(self):
        tree = branches.tree(current_user)
        unread = topics.unread_by_branch(current_user, [branch.id for branch, _depth in tree])
        return self.render("admin/forum/index.html", tree=tree, unread=unread, cap=topics.UNREAD_CAP,
                           may_create=branches.may_create(current_user))  # fmt: skip

    @expose("/branch/<branch_id>/")
    def branch(self, branch_id):
        branch = _branch_or_404(parse_id(branch_id))
        after = request.args.get("after")
        cursor = topics.parse_cursor(after) if after else None
        if after and cursor is None:
            abort(400)
        pinned, found, next_cursor = topics.page(current_user, branch, cursor)
        tree = [(item, depth) for item, depth in branches.tree(current_user) if item.parent_id == branch.id]
        unread = topics.unread_by_branch(current_user, [item.id for item, _depth in tree])
        return self.render(
            "admin/forum/branch.html", branch=branch, path=branches.path_of(branch), pinned=pinned, topics=found,
            next_cursor=next_cursor, children=[item for item, _depth in tree], unread=unread, cap=topics.UNREAD_CAP,
            names=topics.names_of(topic.author_id for topic, _unread in pinned + found),
            may_manage=visibility.may_manage(current_user, branch), paged=bool(after),
        )  # fmt: skip

    @expose("/branch/new", methods=("GET", "POST"))
    def new_branch(self):
        parent_id = parse_id(request.values.get("parent"))
        parent = _branch_or_404(parent_id) if request.values.get("parent") else None
        if not branches.may_create(current_user, parent):
            abort(403)
        if request.method == "POST":
            try:
                branch = branches.create(current_user, parent, **self._branch_form())
            except RefusedChange as error:
                _refused(error)
                return self._branch_page(None, parent, error.errors), 422
            unit_of_work.commit(keep=current_user)
            flash(_("The branch is saved."), "success")
            return redirect(url_for(".branch", branch_id=branch.id))
        return self._branch_page(None, parent)

    @expose("/branch/<branch_id>/edit", methods=("GET", "POST"))
    def edit_branch(self, branch_id):
        branch = _branch_or_404(parse_id(branch_id))
        if not visibility.may_manage(current_user, branch):
            abort(403)
        if request.method == "POST":
            try:
                branches.update(current_user, branch, **self._branch_form())
            except RefusedChange as error:
                _refused(error)
                return self._branch_page(db.session.get(ForumBranch, branch.id), None, error.errors), 422
            unit_of_work.commit(keep=current_user)
            flash(_("The branch is saved."), "success")
            return redirect(url_for(".branch", branch_id=branch.id))
        return self._branch_page(branch, None)

    @staticmethod
    def _branch_form():
        form = request.form
        return {"title": form.get("title", ""), "description": form.get("description", ""),
                "visibility_kind": form.get("visibility", ""), "members": form.getlist("members"),
                "audience": {kind: form.getlist(kind) for kind in ("department", "position", "office")}}  # fmt: skip

    def _branch_page(self, branch, parent, errors=None):
        if request.method == "POST":
            chosen = {
                kind: [parse_id(v) for v in request.form.getlist(kind)] for kind in ("department", "position", "office")
            }
            members = [parse_id(v) for v in request.form.getlist("members")]
            sent = {"title": request.form.get("title", ""), "description": request.form.get("description", ""),
                    "visibility": request.form.get("visibility", "all")}  # fmt: skip
        elif branch is not None:
            chosen, members = branches.rules_of(branch)
            sent = {"title": branch.title, "description": branch.description, "visibility": branch.visibility}
        else:
            chosen, members, sent = {}, [], {"title": "", "description": "", "visibility": "all"}
        people = branches.member_choices(current_user)
        return self.render(
            "admin/forum/branch_form.html", branch=branch, parent=parent, sent=sent, errors=errors or {},
            chosen={kind: set(ids) for kind, ids in chosen.items()}, members=set(members), people=people,
            visibilities=VISIBILITY_LABELS,
            departments=db.session.scalars(select(Department).order_by(Department.name)).all(),
            positions=db.session.scalars(select(Position).order_by(Position.rank)).all(),
            offices=db.session.scalars(select(Office).where(Office.is_active.is_(True)).order_by(Office.name)).all(),
        )  # fmt: skip

    # ---- topics ---------------------------------------------------------------------------------

    @expose("/branch/<branch_id>/topic/new", methods=("GET", "POST"))
    def new_topic(self, branch_id):
        branch = _branch_or_404(parse_id(branch_id))
        if request.method == "POST":
            form = request.form
            try:
                topic = posts.create_topic(current_user, branch, form.get("title", ""), form.get("body", ""),
                                           restricted=form.get("restricted") == "1",
                                           uploads=request.files.getlist("photos"))  # fmt: skip
            except RefusedChange as error:
                _refused(error)
                return self.render("admin/forum/topic_form.html", branch=branch, errors=error.errors, sent=form,
                                   body_max=BODY_MAX), 422  # fmt: skip
            unit_of_work.commit(keep=current_user)
            return redirect(url_for(".topic", topic_id=topic.id))
        return self.render("admin/forum/topic_form.html", branch=branch, errors={}, sent={}, body_max=BODY_MAX)

    @expose("/topic/<topic_id>/")
    def topic(self, topic_id):
        topic = _topic_or_404(parse_id(topic_id))
        after = request.args.get("after")
        start = parse_id(after) if after else 0
        if start is None:
            abort(400)
        return self._topic_page(topic, start)

    def _topic_page(self, topic, start=0, errors=None, sent=None):
        found, more = topics.posts(topic, start)
        branch = db.session.get(ForumBranch, topic.branch_id)
        return self.render(
            "admin/forum/topic.html", topic=topic, branch=branch, path=branches.path_of(branch), posts=found,
            more=more, photos=photos.of_posts([post.id for post in found]), render=rich_text.render,
            receipts=reads.receipts(topic, [post.id for post in found]), body_max=BODY_MAX,
            names=topics.names_of(post.author_id for post in found),
            read_to=reads.watermark(current_user.id, topic.id), may_manage=visibility.may_manage(current_user, branch),
            may_invite=posts.may_invite(current_user, topic), errors=errors or {}, sent=sent or {},
        )  # fmt: skip

    @expose("/topic/<topic_id>/post", methods=("POST",))
    def reply(self, topic_id):
        topic = _topic_or_404(parse_id(topic_id))
        try:
            post = posts.add_post(current_user, topic, request.form.get("body", ""),
                                  uploads=request.files.getlist("photos"))  # fmt: skip
        except RefusedChange as error:
            _refused(error)
            topic = db.session.get(type(topic), topic.id)
            return self._topic_page(topic, errors=error.errors, sent=request.form), error.status
        unit_of_work.commit(keep=current_user)
        return redirect(url_for(".topic", topic_id=topic.id, _anchor=f"post-{post.id}"))

    @expose("/topic/<topic_id>/flags", methods=("POST",))
    def flags(self, topic_id):
        topic = _topic_or_404(parse_id(topic_id))
        change = request.form.get("change")
        if change not in ("pin", "unpin", "close", "open"):
            abort(400)
        try:
            posts.set_flags(current_user, topic, pinned={"pin": True, "unpin": False}.get(change),
                            closed={"close": True, "open": False}.get(change))  # fmt: skip
        except RefusedChange as error:
            _refused(error)
            return redirect(url_for(".topic", topic_id=topic.id))
        unit_of_work.commit(keep=current_user)
        return redirect(url_for(".topic", topic_id=topic.id))

    @expose("/topic/<topic_id>/invite", methods=("GET", "POST"))
    def invite(self, topic_id):
        topic = _topic_or_404(parse_id(topic_id))
        if not posts.may_invite(current_user, topic):
            abort(403)
        errors = {}
        if request.method == "POST":
            try:
                posts.invite(current_user, topic, request.form.getlist("people"))
            except RefusedChange as error:
                _refused(error)
                errors = error.errors
            else:
                unit_of_work.commit(keep=current_user)
                flash(_("The invitations are sent."), "success")
                return redirect(url_for(".topic", topic_id=topic.id))
        invited = db.session.scalars(select(User).join(ForumParticipant, ForumParticipant.user_id == User.id).where(
            ForumParticipant.topic_id == topic.id, ForumParticipant.invited.is_(True)).order_by(User.full_name).limit(500)).all()  # fmt: skip
        page = self.render("admin/forum/invite.html", topic=topic, people=posts.invitable(current_user, topic),
                           invited=invited, errors=errors)  # fmt: skip
        return (page, 422) if errors else page

    # ---- posts ----------------------------------------------------------------------------------

    @expose("/post/<post_id>/edit", methods=("GET", "POST"))
    def edit_post(self, post_id):
        post, topic = _post_or_404(parse_id(post_id))
        if post.author_id != current_user.id:
            abort(403)
        if request.method == "POST":
            try:
                posts.edit_post(current_user, post, request.form.get("body", ""))
            except RefusedChange as error:
                _refused(error)
                return self.render("admin/forum/post_form.html", post=post, topic=topic, errors=error.errors,
                                   body=request.form.get("body", ""), body_max=BODY_MAX), 422  # fmt: skip
            unit_of_work.commit(keep=current_user)
            return redirect(url_for(".topic", topic_id=topic.id, _anchor=f"post-{post.id}"))
        return self.render("admin/forum/post_form.html", post=post, topic=topic, errors={}, body=post.body,
                           body_max=BODY_MAX)  # fmt: skip

    @expose("/post/<post_id>/history")
    def post_history(self, post_id):
        post, topic = _post_or_404(parse_id(post_id))
        return self.render("admin/forum/post_history.html", post=post, topic=topic, edits=posts.history(post),
                           render=rich_text.render)  # fmt: skip

    @expose("/post/<post_id>/fragment")
    def post_fragment(self, post_id):
        """One post's HTML, for a page that heard of it on the socket."""
        post, topic = _post_or_404(parse_id(post_id))
        return render_template("admin/forum/_post.html", post=post, topic=topic, render=rich_text.render,
                               photos=photos.of_posts([post.id]), receipts=reads.receipts(topic, [post.id]),
                               names=topics.names_of([post.author_id]))  # fmt: skip

    @expose("/post/<post_id>/readers")
    def post_readers(self, post_id):
        post, topic = _post_or_404(parse_id(post_id))
        read, unread = reads.readers(topic, post)
        return jsonify({"read": read, "unread": unread})

    # ---- reading --------------------------------------------------------------------------------

    @expose("/topic/<topic_id>/read", methods=("POST",))
    def mark_read(self, topic_id):
        topic = _topic_or_404(parse_id(topic_id))
        post_id = parse_id(request.form.get("post") or (request.get_json(silent=True) or {}).get("post"))
        if post_id is None:
            return jsonify({"error": _("Name the message read.")}), 400
        raised = reads.mark_read(current_user, topic, post_id)
        unit_of_work.commit(keep=current_user)
        return jsonify({"raised": raised, "read_to": reads.watermark(current_user.id, topic.id)})

    @expose("/topic/<topic_id>/receipts")
    def receipts(self, topic_id):
        """{"posts": {post id: [N, M]}} of the posts named in `posts` (comma-separated, at most 500)."""
        topic = _topic_or_404(parse_id(topic_id))
        ids = [parse_id(part) for part in request.args.get("posts", "").split(",")[:500] if part]
        if any(item is None for item in ids):
            abort(400)
        found = reads.receipts(topic, ids)
        return jsonify({"posts": {str(post_id): list(counts) for post_id, counts in found.items()}})

    # ---- photos and search ----------------------------------------------------------------------

    @expose("/photo/<photo_id>")
    def photo(self, photo_id):
        return uploads.show_picture(self._photo(photo_id).file)

    @expose("/photo/<photo_id>/thumb")
    def photo_thumb(self, photo_id):
        return uploads.show_picture(self._photo(photo_id).thumb)

    @staticmethod
    def _photo(photo_id):
        photo = photos.visible_photo(current_user, parse_id(photo_id))
        if photo is None:
            abort(404)
        return photo

    @expose("/search")
    def search(self):
        query = request.args.get("q", "")[: search.QUERY_MAX]
        hits = search.search(current_user, query) if query.strip() else []
        return self.render("admin/forum/search.html", query=query, hits=hits, limit=search.RESULTS)
