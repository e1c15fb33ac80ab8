from models.salary.adjustments import ADJUSTMENT_KINDS, SalaryAdjustment
from models.salary.periods import STATUSES, SalaryPeriod, SalaryResult
from models.salary.plans import OVERRIDE_KINDS, PlanOverride, SalaryPlan, SalaryPlanVersion

__all__ = [
    "ADJUSTMENT_KINDS",
    "OVERRIDE_KINDS",
    "STATUSES",
    "PlanOverride",
    "SalaryAdjustment",
    "SalaryPeriod",
    "SalaryPlan",
    "SalaryPlanVersion",
    "SalaryResult",
]
