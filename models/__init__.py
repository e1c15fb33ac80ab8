"""All models, imported once so that metadata and mappers are complete."""

from models.audit import ChangeLog
from models.directory import Bank, Contractor
from models.org import Department, Membership, Office, Position
from models.user import LoginAttempt, RecoveryCode, Role, RolePermission, User, UserSession

__all__ = [
    "Bank",
    "ChangeLog",
    "Contractor",
    "Department",
    "LoginAttempt",
    "Membership",
    "Office",
    "Position",
    "RecoveryCode",
    "Role",
    "RolePermission",
    "User",
    "UserSession",
]
