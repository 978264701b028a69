"""The consultation models, one module per subdomain; every model is imported here, so
Django registers them and `apps.consultation.models.<Name>` is the one import path for
everyone. Sessions come first (research visits them, suggestions come from both)."""

from .research import Instruction, Report, ReportVersion, ResearchProject, download_name
from .sessions import Session, SessionPhoto, Topic
from .suggestions import Department, Referral, Suggestion, derive_progress

__all__ = [
    "Department",
    "Instruction",
    "Referral",
    "Report",
    "ReportVersion",
    "ResearchProject",
    "Session",
    "SessionPhoto",
    "Suggestion",
    "Topic",
    "derive_progress",
    "download_name",
]
