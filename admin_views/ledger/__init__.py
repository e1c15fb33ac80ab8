"""The points and bonuses pages: a person's balances and entries, his people's, and the rules."""

from flask_babel import lazy_gettext as _l

from admin_views import add_page


def init_app(app):
    from admin_views.change_words import describe
    from admin_views.ledger import points, rules
    from models.ledger import LedgerRule

    add_page(34, "points", lambda: points.PointsView(name=_l("Points and bonuses"), endpoint="points", url="points"))
    add_page(
        36,
        "points_rules",
        lambda: rules.RulesView(LedgerRule, name=_l("Points rules"), endpoint="points_rules", url="points/rules"),
    )
    describe(
        "ledger_rules", _l("Points rule"), rules.RULE_LABELS, {"event": rules.EVENT_LABELS, "kind": rules.KIND_LABELS}
    )
