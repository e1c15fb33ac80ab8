"""Benchmark: "my subordinates" as one materialized-path query vs. a recursive CTE on parent_id.

Builds an org of N memberships (offices → heads → supervisors → employees, several levels) in a
fresh PostgreSQL database, then times, for leaders at every level, the production query
(`services.platform.hierarchy.subordinate_ids`) beside the recursive-CTE baseline in the same run.

    PYTHONPATH=. .venv/bin/python bench/hierarchy_scope.py --people 100000
    (BENCH_DATABASE_URL defaults to postgresql://postgres@127.0.0.1:5432/test)
"""

import argparse
import os
import random

import sqlalchemy as sa

from bench.common import make_database, report, timed

TARGET_MS = 20
BASELINE_SQL = sa.text(
    """
    WITH RECURSIVE tree AS (
        SELECT id, user_id FROM memberships WHERE user_id = :uid
        UNION ALL
        SELECT m.id, m.user_id FROM memberships m JOIN tree t ON m.parent_id = t.id
    )
    SELECT DISTINCT user_id FROM tree WHERE user_id != :uid
    """
)


def build(app, people, fanout=8):
    """Level 0: office heads; each node gets `fanout` children until `people` are placed."""
    from extensions import db
    from models.platform.org import Membership, Office, Position
    from models.platform.user import User

    offices = max(1, people // 5000)
    position_id = db.session.scalar(sa.select(Position.id).where(Position.code == "employee"))
    office_ids = []
    for i in range(offices):
        office = Office(name=f"Bench office {i}")
        db.session.add(office)
        db.session.flush()
        office_ids.append(office.id)
    users = [
        {
            "username": f"bench{i}",
            "full_name": f"Bench {i}",
            "password_hash": "!",
            "language": "uk",
            "timezone": "Europe/Kyiv",
            "is_blocked": False,
            "totp_enabled": False,
        }
        for i in range(people)
    ]
    db.session.execute(sa.insert(User), users)
    user_ids = list(db.session.scalars(sa.select(User.id).where(User.username.like("bench%")).order_by(User.id)))
    rows, frontier, next_index, next_id = [], [], 0, 1
    for office_id in office_ids:
        rows.append(
            {
                "id": next_id,
                "user_id": user_ids[next_index],
                "office_id": office_id,
                "position_id": position_id,
                "parent_id": None,
                "path": f"/{next_id}/",
            }
        )
        frontier.append(rows[-1])
        next_index, next_id = next_index + 1, next_id + 1
    while next_index < people:
        new_frontier = []
        for parent in frontier:
            for _ in range(fanout):
                if next_index >= people:
                    break
                rows.append(
                    {
                        "id": next_id,
                        "user_id": user_ids[next_index],
                        "office_id": parent["office_id"],
                        "position_id": position_id,
                        "parent_id": parent["id"],
                        "path": f"{parent['path']}{next_id}/",
                    }
                )
                new_frontier.append(rows[-1])
                next_index, next_id = next_index + 1, next_id + 1
        frontier = new_frontier
    now = sa.func.now()
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Membership).values(created_at=now, updated_at=now), rows[start : start + 5000])
    db.session.execute(sa.text("SELECT setval('memberships_id_seq', (SELECT max(id) FROM memberships))"))
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    server = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    url, drop = make_database(server)
    os.environ["DATABASE_URL"] = url
    try:
        from flask_migrate import upgrade

        from app import create_app
        from config import Config
        from extensions import db
        from seeds.reference import load_reference
        from services.platform.hierarchy import subordinate_ids

        Config.SQLALCHEMY_DATABASE_URI = url
        Config.RUN_EMBEDDED_WORKERS = False
        app = create_app(Config)
        with app.app_context():
            upgrade(directory="migrations")
            load_reference()
            rows = build(app, args.people)
            depth = {}
            for row in rows:
                depth.setdefault(row["path"].count("/") - 2, []).append(row["user_id"])
            print(
                f"org: {len(rows)} memberships, {len(depth)} levels, PostgreSQL {db.session.scalar(sa.text('show server_version'))}"
            )
            for level in sorted(depth)[:-1]:
                leaders = random.Random(level).sample(depth[level], min(20, len(depth[level])))
                cycle = leaders * (args.repeat // len(leaders) + 1)
                size = len(db.session.execute(subordinate_ids(leaders[0])).all())

                base_picks, picks = iter(cycle), iter(cycle)
                base = timed(
                    lambda it=base_picks: db.session.execute(BASELINE_SQL, {"uid": next(it)}).all(), args.repeat
                )
                result = timed(lambda it=picks: db.session.execute(subordinate_ids(next(it))).all(), args.repeat)
                report(f"level {level} leader (~{size} below)", result, TARGET_MS, base)
    finally:
        from extensions import db as database

        try:
            with app.app_context():
                database.session.remove()
                database.engine.dispose()
        except Exception:  # noqa: S110 — best effort before dropping the database
            pass
        drop()


if __name__ == "__main__":
    main()
