"""The one secured base for every admin page: login required, permissions from the policy,
queries narrowed by `scope`, records fetched by id only through the scoped query."""

import copy
from datetime import date, datetime

from flask import abort, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.model import typefmt
from flask_babel.speaklater import LazyString
from flask_login import current_user

from admin_views.list_filters import FilterConverter
from admin_views.model_forms import ModelConverter
from admin_views.unique_check import key_only_unique
from extensions import db
from services.platform import access, audit, dates
from services.platform.errors import parse_id  # noqa: F401 (views import it from here)
from services.platform.timezones import format_local


def _login_redirect():
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))


class SecuredMixin:
    permission = "dashboard.view"

    def is_accessible(self):
        return current_user.is_authenticated and access.can(current_user, self.permission)

    def is_visible(self):
        return self.is_accessible()

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return _login_redirect()
        abort(403)


class SecuredView(SecuredMixin, BaseView):
    """A custom (non-model) page guarded by one permission."""


def _format_datetime(view, value, name=None):
    return format_local(value)


TYPE_FORMATTERS = dict(typefmt.BASE_FORMATTERS)
TYPE_FORMATTERS[datetime] = _format_datetime
TYPE_FORMATTERS[date] = lambda view, value, name=None: value.isoformat()
# A list's `page`: nine digits are more pages than any list has, and their OFFSET fits any database.
MAX_PAGE_DIGITS = 9


def list_page(text):
    """The 0-based page number of a model list's `page` argument; 400 for anything but ASCII
    digits (Flask-Admin's int() takes a negative page, twenty digits, any script's digits)."""
    text = (text or "").strip()
    if not text:
        return 0
    if not (text.isascii() and text.isdecimal() and len(text) <= MAX_PAGE_DIGITS):
        abort(400)
    return int(text)


class SecuredModelView(SecuredMixin, ModelView):
    """Model CRUD: `permission` to see, `manage_permission` to create, edit and delete.

    Deny by default: a view is refused at construction unless its model declares its scope rule
    (access.scope_rule), and every query of the view passes the scope. A view narrows its rows
    further in `narrow(query)`, never by replacing get_query or get_count_query."""

    manage_permission = None
    edit_template = "admin/model/edit_with_history.html"
    details_template = "admin/model/details_with_history.html"
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = TYPE_FORMATTERS
    column_exclude_list = ("created_by_id", "updated_by_id", "version", "password_hash")
    column_details_exclude_list = column_exclude_list
    form_excluded_columns = ("created_at", "updated_at", "created_by_id", "updated_by_id", "version", "deleted_at")
    column_display_pk = False
    can_view_details = True
    can_export = False
    page_size = 50
    can_set_page_size = True
    # Numbers and dates typed into the forms and the list filters go by the app's rules.
    model_form_converter = ModelConverter
    filter_converter = FilterConverter()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        replaced = sorted({"get_query", "get_count_query", "_scoped"} & set(vars(cls)))
        if replaced:
            raise TypeError(f"{cls.__name__} replaces {', '.join(replaced)}: narrow its rows in narrow(query)")

    def __init__(self, model, **kwargs):
        try:
            access.scope_rule(model)
        except ValueError as error:
            raise ValueError(f"{type(self).__name__} refused: {error}") from None
        super().__init__(model, db, **kwargs)

    def _get_list_extra_args(self):
        args = super()._get_list_extra_args()
        args.page = list_page(request.args.get("page"))
        return args

    def get_invalid_value_msg(self, value, filter):
        """A filter's date out of the app's range says so; any other refusal, as Flask-Admin does."""
        try:
            filter.clean(value)
        except dates.DateOutOfRange as error:
            return str(error.message)
        except Exception:  # noqa: S110 - refused for another reason, told below
            pass
        return super().get_invalid_value_msg(value, filter)

    def scaffold_form(self):
        return key_only_unique(super().scaffold_form())

    def render(self, template, **kwargs):
        # Flask-Admin's field macro writes its classes ("is-invalid" after a refused save) into the
        # widget arguments it is given: give each page its own copy, not the view's form_widget_args.
        form_opts = kwargs.get("form_opts")
        if form_opts is not None and form_opts.widget_args:
            form_opts.widget_args = copy.deepcopy(form_opts.widget_args)
        return super().render(template, **kwargs)

    def validate_form(self, form):
        valid = super().validate_form(form)
        # Flask-Admin's templates show only `str` errors; ours are lazy translations.
        for field in form:
            if isinstance(field.errors, (list, tuple)):
                field.errors = [str(error) if isinstance(error, LazyString) else error for error in field.errors]
        return valid

    def _may_manage(self):
        return (
            self.manage_permission is not None
            and current_user.is_authenticated
            and access.can(current_user, self.manage_permission)
        )

    @property
    def can_create(self):
        return self._may_manage()

    @property
    def can_edit(self):
        return self._may_manage()

    @property
    def can_delete(self):
        return self._may_manage()

    def narrow(self, query):
        """The view's own narrowing, after the scope (a view of part of what the scope shows)."""
        return query

    def _scoped(self, query):
        if hasattr(self.model, "deleted_at"):
            query = query.filter(self.model.deleted_at.is_(None))
        return self.narrow(access.scope(current_user, query, self.model))

    def get_query(self):
        return self._scoped(super().get_query())

    def get_count_query(self):
        return self._scoped(super().get_count_query())

    def get_one(self, id):
        pk = parse_id(id)
        record = None if pk is None else self.get_query().filter(self.model.id == pk).one_or_none()
        if record is None:
            abort(404)  # a record outside the scope looks exactly like a missing one
        return record

    # Flask-Admin answers a forbidden create/edit/delete with a redirect; we answer 403.
    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        if not self.can_create:
            abort(403)
        return super().create_view()

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        if not self.can_edit:
            abort(403)
        return super().edit_view()

    @expose("/delete/", methods=("POST",))
    def delete_view(self):
        if not self.can_delete:
            abort(403)
        return super().delete_view()

    # Flask-Admin's own export writes the cells as they are: every download goes through the one
    # writer of services/exports/registry.py (the list's export control), whatever a view sets can_export to.
    @expose("/export/<export_type>/")
    def export(self, export_type):
        abort(404)

    def delete_model(self, model):
        if not hasattr(model, "deleted_at"):
            return super().delete_model(model)
        try:
            self.soft_delete(model)
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            # A refusal (ValidationError) is flashed and the list shown again, as Flask-Admin does.
            if not self.handle_view_exception(error):
                raise
            return False
        return True

    def soft_delete(self, model):
        from models.base import utcnow

        model.deleted_at = utcnow()

    def history_of(self, model):
        """[(row, ChangeText)] of the record's change log, in words (admin_views.change_words)."""
        from admin_views.change_words import record_history

        if model is None or not access.can(current_user, "audit.view") and not self._may_manage():
            return []
        return record_history(model.__tablename__, model.id, audit.history(model.__tablename__, model.id))
