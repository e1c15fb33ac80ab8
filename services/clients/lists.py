"""The clients list: the live clients a person sees, newest first, narrowed by its filters and paged
by id (a page is the PAGE_SIZE clients after the last one seen: no OFFSET, no count of a million)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from extensions import db
from models.clients import Client
from models.platform.org import Membership, Office
from models.platform.user import User
from services.clients.search import name_or_phone
from services.platform import access
from services.platform.errors import parse_id
from services.platform.like import containing

PAGE_SIZE = 50
SEARCH_MAX = 64
BUCKET_LABELS = {"new": _l("New"), "in_work": _l("In work"), "done": _l("Completed"), "lost": _l("Lost")}


@dataclass(frozen=True)
class ListFilters:
    q: str = ""
    bucket: str = ""
    stage_id: int | None = None
    responsible_id: int | None = None
    office_id: int | None = None
    department_id: int | None = None
    source: str = ""
    tag: str = ""
    partners: bool = False

    @classmethod
    def from_args(cls, args):
        def text(name):
            return " ".join((args.get(name) or "").split())[:SEARCH_MAX]

        bucket = args.get("bucket") or ""
        return cls(
            q=text("q"),
            bucket=bucket if bucket in BUCKET_LABELS else "",
            stage_id=parse_id(args.get("stage")),
            responsible_id=parse_id(args.get("responsible")),
            office_id=parse_id(args.get("office")),
            department_id=parse_id(args.get("department")),
            source=text("source"),
            tag=text("tag"),
            partners=args.get("partners") == "1",
        )

    def as_args(self):
        args = {
            "q": self.q,
            "bucket": self.bucket,
            "stage": self.stage_id,
            "responsible": self.responsible_id,
            "office": self.office_id,
            "department": self.department_id,
            "source": self.source,
            "tag": self.tag,
            "partners": "1" if self.partners else None,
        }
        return {key: value for key, value in args.items() if value}


def conditions(filters):
    found = [Client.deleted_at.is_(None)]
    if filters.q:
        found.append(name_or_phone(filters.q))
    if filters.bucket:
        found.append(Client.bucket == filters.bucket)
    if filters.stage_id:
        found.append(Client.stage_id == filters.stage_id)
    if filters.responsible_id:
        found.append(Client.responsible_id == filters.responsible_id)
    if filters.office_id:
        found.append(Client.office_id == filters.office_id)
    if filters.department_id:
        found.append(
            Client.responsible_id.in_(
                select(Membership.user_id).where(Membership.department_id == filters.department_id)
            )
        )
    if filters.source:
        found.append(func.lower(Client.source) == filters.source.lower())
    if filters.tag:
        found.append(func.lower(Client.tags).like(containing(filters.tag.lower()), escape="\\"))
    if filters.partners:
        found.append(Client.is_partner.is_(True))
    return found


ROW_COLUMNS = (
    Client.id,
    Client.full_name,
    Client.phone,
    Client.email,
    Client.source,
    Client.tags,
    Client.is_partner,
    Client.created_at,
    Client.stage_id,
    func.coalesce(User.full_name, User.username).label("responsible"),
    Office.name.label("office"),
)


def list_query(user, filters):
    """The list's rows (ROW_COLUMNS) of the clients `user` sees, newest first: the page and the export."""
    query = (
        select(*ROW_COLUMNS)
        .select_from(Client)
        .outerjoin(User, User.id == Client.responsible_id)
        .outerjoin(Office, Office.id == Client.office_id)
        .where(*conditions(filters))
        .order_by(Client.id.desc())
    )
    return access.scope(user, query, Client)


def rows(user, filters=ListFilters(), after=None, limit=PAGE_SIZE):
    """(the page's rows, the id the next page starts after or None): the clients `user` sees."""
    query = list_query(user, filters).limit(limit + 1)
    if after is not None:
        query = query.where(Client.id < after)
    found = db.session.execute(query).all()
    more = len(found) > limit
    found = found[:limit]
    return found, (found[-1].id if more else None)
