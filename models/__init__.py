"""All models, imported once so that metadata and mappers are complete."""

from models.audit import ChangeLog
from models.card import Card, CardResponsible, CardStageCount, Transaction
from models.directory import Bank, Contractor
from models.export import ExportDelivery, ExportJob, ExportSchedule
from models.finance import FinanceDaily, FinanceMonthly
from models.org import Department, Membership, Office, Position
from models.pipeline import Pipeline, Stage, StageField, StageMove, StageTask
from models.task import Task, TaskComment
from models.user import CacheSignal, LoginAttempt, RecoveryCode, Role, RolePermission, User, UserSession

__all__ = [
    "Bank",
    "CacheSignal",
    "Card",
    "CardResponsible",
    "CardStageCount",
    "ChangeLog",
    "Contractor",
    "Department",
    "ExportDelivery",
    "ExportJob",
    "ExportSchedule",
    "FinanceDaily",
    "FinanceMonthly",
    "LoginAttempt",
    "Membership",
    "Office",
    "Pipeline",
    "Position",
    "RecoveryCode",
    "Role",
    "RolePermission",
    "Stage",
    "StageField",
    "StageMove",
    "StageTask",
    "Task",
    "TaskComment",
    "Transaction",
    "User",
    "UserSession",
]
