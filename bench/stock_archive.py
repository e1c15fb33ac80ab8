"""The archive baseline: a stock Flask-Admin ModelView on cards, and the filter cases timed against it."""

import sqlalchemy as sa


def register_stock_view(app):
    """The baseline: a stock Flask-Admin ModelView on the same table, with only what it needs to
    offer the same filters (column filters, a search over the contact columns) and the same order.
    Its list runs the stock COUNT(*) and OFFSET paging. Registered in this process only."""
    from flask_admin.contrib.sqla import ModelView

    from extensions import admin, db
    from models.cards.card import Card

    class StockCardView(ModelView):
        column_filters = ("bucket", "number", "bank_id", "contractor_id", "agent_id", "manager_id", "accountant_id")
        column_searchable_list = ("contact_name", "contact_phone")
        column_default_sort = ("id", True)

        def is_visible(self):  # not in the menu of the pages measured beside it
            return False

    view = StockCardView(Card, db, name="Stock cards", endpoint="stock_cards", url="stock-cards")
    admin.add_view(view)
    return view


def stock_args(view, column, value, operation="equal", position=1):
    """The stock URL argument of a column filter, found the way Flask-Admin numbers them."""
    for index, flt in enumerate(view._filters):
        name = type(flt).__name__.lower()
        if flt.column.key == column and operation in name and "not" not in name:
            return {f"flt{position}_{view.get_filter_arg(index, flt)}": value}
    raise KeyError(f"no {operation} filter on {column}")


def _typical(column):
    """The value of `column` with the median number of archived cards: a typical choice."""
    from extensions import db

    rows = db.session.execute(
        sa.text(
            f"SELECT {column}, count(*) FROM cards WHERE bucket = 'archive' AND {column} IS NOT NULL "
            "GROUP BY 1 ORDER BY 2 DESC, 1"
        )
    ).all()
    value, count = rows[len(rows) // 2]
    return value, count


DEEP_ROWS = 10_000  # the deep page: rows 10,001+ (stock page 500 of 20 rows; our keyset after row 10,000)


def archive_cases(app, view):
    """(label, archive query args, stock query args, matching archived cards, SQL condition, params) per filter."""
    from extensions import db

    bucket = stock_args(view, "bucket", "archive", position=0)
    with app.app_context():
        total = db.session.scalar(sa.text("SELECT count(*) FROM cards WHERE bucket = 'archive'"))
        number = db.session.scalar(
            sa.text("SELECT number FROM cards WHERE bucket = 'archive' ORDER BY id OFFSET :n LIMIT 1"),
            {"n": total // 2},
        )

        def matching(condition, **params):
            sql = f"SELECT count(*) FROM cards WHERE bucket = 'archive' AND deleted_at IS NULL AND {condition}"
            return db.session.scalar(sa.text(sql), params)

        def case(label, ours, stock, condition, **params):
            return (label, ours, stock, matching(condition, **params), condition, params)

        last_four = number[-4:]
        cases = [
            case(
                "number, whole",
                {"number": number},
                {**bucket, **stock_args(view, "number", number)},
                "number = :n",
                n=number,
            ),
            case(
                f"number, last four digits '{last_four}'",
                {"number": last_four},
                {**bucket, **stock_args(view, "number", last_four, "like")},
                "number LIKE :p",
                p=f"%{last_four}%",
            ),
        ]
        for text in ("Ткачук", "67123"):
            cases.append(
                case(
                    f"contact '{text}' (name or phone)",
                    {"contact": text},
                    {**bucket, "search": text},
                    "(contact_name ILIKE :p OR contact_phone ILIKE :p)",
                    p=f"%{text}%",
                )
            )
        for arg, column in (
            ("bank", "bank_id"),
            ("supplier", "contractor_id"),
            ("agent", "agent_id"),
            ("manager", "manager_id"),
            ("accountant", "accountant_id"),
        ):
            value, _count = _typical(column)
            cases.append(
                case(
                    f"{arg} (typical: id {value})",
                    {arg: value},
                    {**bucket, **stock_args(view, column, value)},
                    f"{column} = :v",
                    v=value,
                )
            )
    return cases


def deep_after(app, condition, params):
    """The id of the DEEP_ROWS-th newest archived card matching `condition`: our keyset cursor there."""
    from extensions import db

    with app.app_context():
        return db.session.scalar(
            sa.text(
                f"SELECT id FROM cards WHERE bucket = 'archive' AND deleted_at IS NULL AND {condition} "
                "ORDER BY id DESC OFFSET :offset LIMIT 1"
            ),
            {**params, "offset": DEEP_ROWS - 1},
        )
