from models.salary.adjustments import ADJUSTMENT_KINDS, SalaryAdjustment
from models.salary.candidates import CANDIDATE_STATUSES, HELD, INTERVIEW_OUTCOMES, Candidate, Interview
from models.salary.estimates import SalaryEstimate
from models.salary.periods import STATUSES, SalaryPeriod, SalaryResult
from models.salary.plans import OVERRIDE_KINDS, PlanOverride, SalaryPlan, SalaryPlanVersion

__all__ = [
    "ADJUSTMENT_KINDS",
    "CANDIDATE_STATUSES",
    "HELD",
    "INTERVIEW_OUTCOMES",
    "Candidate",
    "Interview",
    "OVERRIDE_KINDS",
    "STATUSES",
    "PlanOverride",
    "SalaryAdjustment",
    "SalaryEstimate",
    "SalaryPeriod",
    "SalaryPlan",
    "SalaryPlanVersion",
    "SalaryResult",
]
