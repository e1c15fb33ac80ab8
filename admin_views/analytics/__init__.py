"""The home page: the key figures of what the user may see."""

from flask_babel import lazy_gettext as _l

from admin_views import set_index


def init_app(app):
    from admin_views.analytics import dashboard
    from realtime import rooms

    rooms.register("dashboard", "dashboard.view")
    set_index(lambda: dashboard.DashboardView(name=_l("Home"), url="/admin", endpoint="admin"))
