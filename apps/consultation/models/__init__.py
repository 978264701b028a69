"""The consultation models, one module per subdomain; every model is imported here, so
Django registers them and `apps.consultation.models.<Name>` is the one import path for
everyone. Sessions come first (research visits them, suggestions come from both)."""

from .handling import (
    Department,
    DepartmentAccount,
    Referral,
    ReferralOpinion,
    ReferralRound,
)
from .opinions import (
    OpinionAdoption,
    OpinionCategory,
    OpinionInstruction,
    OpinionIssue,
    OpinionItem,
    OpinionPhoto,
)
from .proposals import (
    Proposal,
    ProposalCategory,
    ProposalInstruction,
    ProposalSigner,
    default_due,
    rating_grace_over,
    sitting_label,
)
from .research import Instruction, Report, ReportVersion, ResearchProject, download_name
from .sessions import Session, SessionPhoto, Topic
from .suggestions import Suggestion, derive_progress

__all__ = [
    "Department",
    "DepartmentAccount",
    "Instruction",
    "OpinionAdoption",
    "OpinionCategory",
    "OpinionInstruction",
    "OpinionIssue",
    "OpinionItem",
    "OpinionPhoto",
    "Proposal",
    "ProposalCategory",
    "ProposalInstruction",
    "ProposalSigner",
    "Referral",
    "ReferralOpinion",
    "ReferralRound",
    "Report",
    "ReportVersion",
    "ResearchProject",
    "Session",
    "SessionPhoto",
    "Suggestion",
    "Topic",
    "default_due",
    "derive_progress",
    "download_name",
    "rating_grace_over",
    "sitting_label",
]
