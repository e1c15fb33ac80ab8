"""`any_of(column, ids)`: the column among `ids`, a list or a SELECT of one column. On PostgreSQL it
is written `column = ANY(…)`: a list goes as one array parameter (not one parameter per item, which
the driver parses again for every thousand-item batch), and a SELECT as `ARRAY(select)`, which runs
once, before the statement, and can drive an index even inside an OR (a bitmap OR), where
`column IN (select)` could only filter each row. Elsewhere it is the plain IN."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql import Select

from extensions import db


def any_of(column, ids):
    if db.engine.dialect.name != "postgresql":
        return column.in_(ids)
    if isinstance(ids, list | tuple | set | frozenset):
        return column == sa.any_(sa.bindparam(None, value=sorted(ids), type_=ARRAY(column.type)))
    if isinstance(ids, Select):
        ids = ids.scalar_subquery()
    return column == sa.any_(sa.func.array(ids))
