"""Reference data (roles, permissions, positions) from seeds/roles.yaml. Safe to run every start."""

from pathlib import Path

import yaml
from sqlalchemy import select

from extensions import db
from models.platform.org import Position
from models.platform.user import Role, RolePermission
from services.platform import access
from services.platform.access import PERMISSIONS

ROLES_FILE = Path(__file__).with_name("roles.yaml")


def _names(spec):
    names = spec["names"]
    return {"name_uk": names["uk"], "name_ru": names.get("ru", ""), "name_en": names.get("en", "")}


def _upsert_role(code, kind, spec):
    role = db.session.scalar(select(Role).where(Role.code == code))
    if role is None:
        role = Role(code=code, kind=kind, **_names(spec))
        db.session.add(role)
        db.session.flush()
    granted = role.permissions
    for permission in spec.get("permissions", []):
        if permission not in PERMISSIONS:
            raise ValueError(f"roles.yaml: unknown permission {permission!r} for {code}")
        if permission not in granted:
            role.grants.append(RolePermission(permission=permission))
    return role


def load_reference():
    access.ensure_signal()
    _load_roles()
    from seeds.pipeline_loader import load_pipelines

    load_pipelines()


def _load_roles():
    data = yaml.safe_load(ROLES_FILE.read_text(encoding="utf-8"))
    for code, spec in data["roles"].items():
        _upsert_role(code, "role", spec)
    for code, spec in data["positions"].items():
        role = _upsert_role(f"position:{code}", "position", spec)
        position = db.session.scalar(select(Position).where(Position.code == code))
        if position is None:
            db.session.add(Position(code=code, rank=spec.get("rank", 0), role=role, **_names(spec)))
    db.session.commit()
