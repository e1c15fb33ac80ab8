"""HR: candidates for a position, their interviews and outcomes, and the hire that links one to the
employee he became (his tenure counts from the hire)."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, SoftDeleteMixin

CANDIDATE_STATUSES = ("new", "interviewing", "offer", "hired", "rejected", "withdrawn")
INTERVIEW_OUTCOMES = ("planned", "passed", "failed", "no_show", "cancelled")
HELD = ("passed", "failed")  # an interview held, whatever its verdict


class Candidate(Audited, SoftDeleteMixin, db.Model):
    __tablename__ = "candidates"
    # The HR person who leads him sees him, and that person's leaders.
    __scope_owner__ = "hr_id"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {CANDIDATE_STATUSES}", name="status_known"),
        sa.Index("ix_candidates_hr", "hr_id", "id"),
        sa.Index("ix_candidates_hired", "hr_id", "hired_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(160), nullable=False)
    phone: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")
    position_id: Mapped[int] = mapped_column(sa.ForeignKey("positions.id"), nullable=False)
    position = relationship("Position", lazy="joined")
    office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offices.id"))
    office = relationship("Office", lazy="joined")
    source: Mapped[str] = mapped_column(sa.String(80), nullable=False, default="")
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="new")
    hr_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    hr = relationship("User", foreign_keys=[hr_id], lazy="joined")
    hired_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    hired_user = relationship("User", foreign_keys=[hired_user_id], lazy="joined")
    hired_on: Mapped[dt.date | None] = mapped_column()
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    interviews = relationship("Interview", back_populates="candidate", lazy="raise_on_sql",
                              order_by="Interview.starts_at")  # fmt: skip

    def __str__(self):
        return self.full_name


class Interview(Audited, db.Model):
    __tablename__ = "interviews"
    __scope_owner__ = "interviewer_id"
    __table_args__ = (
        sa.CheckConstraint(f"outcome IN {INTERVIEW_OUTCOMES}", name="outcome_known"),
        sa.Index("ix_interviews_interviewer_starts", "interviewer_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidates.id"), nullable=False, index=True)
    candidate = relationship(Candidate, back_populates="interviews", lazy="joined")
    interviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    interviewer = relationship("User", foreign_keys=[interviewer_id], lazy="joined")
    starts_at: Mapped[dt.datetime] = mapped_column(nullable=False)
    outcome: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="planned")
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    def __str__(self):
        return f"{self.candidate.full_name}, {self.starts_at:%Y-%m-%d %H:%M}" if self.candidate else f"#{self.id}"
