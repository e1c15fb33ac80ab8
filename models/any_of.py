"""`any_of(column, ids)`: the column among `ids`, a list or a SELECT of one column. On PostgreSQL a
SELECT is written `column = ANY(ARRAY(select))`: it runs once, before the statement, and the
condition can drive an index even inside an OR (a bitmap OR), where `column IN (select)` could only
filter each row. Elsewhere, and for a list, it is the plain IN."""

import sqlalchemy as sa
from sqlalchemy.sql import Select

from extensions import db


def any_of(column, ids):
    if isinstance(ids, list | tuple | set | frozenset) or db.engine.dialect.name != "postgresql":
        return column.in_(ids)
    if isinstance(ids, Select):
        ids = ids.scalar_subquery()
    return column == sa.any_(sa.func.array(ids))
