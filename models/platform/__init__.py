"""People and the organisation: users, roles and sessions, the org tree, the change log."""

from models.platform.audit import ChangeLog
from models.platform.company import Company
from models.platform.employee_document import EmployeeDocument
from models.platform.mail import OutboxMessage
from models.platform.notification import Notification, NotificationSetting
from models.platform.org import Department, Membership, Office, Position
from models.platform.stored_file import StoredFile
from models.platform.user import CacheSignal, LoginAttempt, RecoveryCode, Role, RolePermission, User, UserSession

__all__ = [
    "CacheSignal",
    "ChangeLog",
    "Company",
    "Department",
    "EmployeeDocument",
    "LoginAttempt",
    "Membership",
    "Notification",
    "NotificationSetting",
    "Office",
    "OutboxMessage",
    "Position",
    "RecoveryCode",
    "Role",
    "RolePermission",
    "StoredFile",
    "User",
    "UserSession",
]
