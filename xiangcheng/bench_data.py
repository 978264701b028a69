"""`BENCH_YEARS=N make bench`: the seeded year's records copied into the N-1 years before
it, at the seeded year's rates, so that the benchmark sees the growth of ten years.

Each earlier year gets a copy of the seeded year's topics, consultation sessions (with
their members and photo rows), research projects (teams, field visits), reports,
instructions, suggestions (proposers), referrals (co-handling departments), meetings and
attendance, duty reports, study sessions, contact records of the pairings, point rules
and grade thresholds, every date moved back by whole years; then the year's ledger is
derived (`ledger_derive`, timed). Rows are written with `bulk_create` (no history rows,
no receivers); the members, venues and departments are the seeded ones.

Only ever into a bench database: the target database's name must contain "bench" and
must not be the one configured in `.env` (the demo database), else it refuses.
Idempotent: a year that already has sessions is left alone.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q

from apps.consultation.models import (
    Instruction,
    OpinionAdoption,
    OpinionInstruction,
    OpinionIssue,
    OpinionItem,
    OpinionPhoto,
    Proposal,
    ProposalInstruction,
    ProposalSigner,
    Referral,
    Report,
    ResearchProject,
    Session,
    SessionPhoto,
    Suggestion,
    Topic,
)
from apps.members.models import ContactRecord
from apps.performance.models import (
    Attendance,
    DutyReport,
    GradeThreshold,
    Meeting,
    PointRule,
    StudySession,
)
from apps.performance.services import ledger_derive

SEEDED_YEAR = 2021
ROOT = Path(__file__).resolve().parent.parent


def refuse_unless_bench_database(db: dict | None = None) -> None:
    """Raise SystemExit unless the database (default: the default one) is a bench database
    (its name contains "bench") and differs from the one `.env` configures (the demo
    database)."""
    db = db if db is not None else settings.DATABASES["default"]
    name = str(db["NAME"])
    if "bench" not in Path(name).name.lower():
        raise SystemExit(
            f"bench: BENCH_YEARS fills only a bench database (its name contains 'bench'), "
            f"not {name!r}. Set DATABASE_URL=postgres://…/xiangcheng_bench."
        )
    demo = _env_file_database()
    if demo and demo == (db.get("HOST") or "", str(db.get("PORT") or ""), name):
        raise SystemExit(f"bench: {name!r} is the database of .env; refusing to fill it.")


def _env_file_database() -> tuple[str, str, str] | None:
    env_file = ROOT / ".env"
    if not env_file.exists():
        return None
    import environ

    values = {}
    for line in env_file.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() == "DATABASE_URL" and value.strip():
            values = environ.Env.db_url_config(value.strip())
    if not values:
        return None
    return (values.get("HOST") or "", str(values.get("PORT") or ""), str(values["NAME"]))


def _shift(value, years: int):
    if isinstance(value, datetime.datetime | datetime.date):
        try:
            return value.replace(year=value.year - years)
        except ValueError:  # 29 February
            return value.replace(year=value.year - years, day=28)
    return value


def clone(
    model: type[models.Model],
    rows: Iterable[models.Model],
    years: int,
    maps: dict[type[models.Model], dict[int, int]],
    *,
    year_fields: tuple[str, ...] = (),
    skip: tuple[str, ...] = (),
) -> dict[int, int]:
    """Copies of `rows` with dates moved back `years` years, `year_fields` decreased,
    foreign keys to models in `maps` pointed at the copies; returns old pk → new pk."""
    rows = list(rows)
    copies = []
    for row in rows:
        values = {}
        for field in model._meta.concrete_fields:
            if field.primary_key or field.name in skip:
                continue
            value = getattr(row, field.attname)
            if field.name in year_fields:
                value -= years
            elif isinstance(field, models.DateField):  # DateTimeField too
                value = _shift(value, years)
            elif field.is_relation and field.related_model in maps and value is not None:
                value = maps[field.related_model].get(value, value)
            values[field.attname] = value
        copies.append(model(**values))
    model._default_manager.bulk_create(copies, batch_size=1000)
    return {old.pk: new.pk for old, new in zip(rows, copies, strict=True)}


def clone_m2m(model: type[models.Model], field: str, mapping: dict[int, int], maps) -> None:
    """Copy the rows of the many-to-many `field` of `model` for the copied objects."""
    through = getattr(model, field).through
    own = getattr(model, field).field.m2m_field_name() + "_id"
    other = getattr(model, field).field.m2m_reverse_field_name() + "_id"
    other_model = getattr(model, field).field.related_model
    other_map = maps.get(other_model, {})
    rows = through.objects.filter(**{f"{own}__in": list(mapping)}).values_list(own, other)
    through.objects.bulk_create(
        [through(**{own: mapping[a], other: other_map.get(b, b)}) for a, b in rows],
        batch_size=2000,
    )


@transaction.atomic
def copy_year(years: int) -> None:
    """The seeded year's records, `years` years earlier."""
    y = SEEDED_YEAR
    maps: dict[type[models.Model], dict[int, int]] = {}
    clone(PointRule, PointRule.objects.filter(year=y), years, maps, year_fields=("year",))
    clone(GradeThreshold, GradeThreshold.objects.filter(year=y), years, maps, year_fields=("year",))
    maps[Topic] = clone(Topic, Topic.objects.filter(year=y), years, maps, year_fields=("year",))
    sessions = Session.objects.filter(started_at__year=y)
    maps[Session] = clone(Session, sessions, years, maps)
    clone_m2m(Session, "members", maps[Session], maps)
    clone(SessionPhoto, SessionPhoto.objects.filter(session__in=sessions), years, maps)
    projects = ResearchProject.objects.filter(topic__year=y)
    maps[ResearchProject] = clone(ResearchProject, projects, years, maps)
    clone_m2m(ResearchProject, "team", maps[ResearchProject], maps)
    clone_m2m(ResearchProject, "visits", maps[ResearchProject], maps)
    reports = Report.objects.filter(project__in=projects)
    maps[Report] = clone(Report, reports, years, maps)
    instructions = Instruction.objects.filter(report__in=reports)
    maps[Instruction] = clone(Instruction, instructions, years, maps)
    # Proposals first: a suggestion may come from a proposal not registered (its link
    # is one-to-one, so the copy points at the proposal's copy).
    proposals = Proposal.objects.filter(year=y).exclude(state=Proposal.State.DRAFT)
    maps[Proposal] = clone(Proposal, proposals, years, maps, year_fields=("year",))
    clone(ProposalSigner, ProposalSigner.objects.filter(proposal__in=proposals), years, maps)
    clone(
        ProposalInstruction,
        ProposalInstruction.objects.filter(proposal__in=proposals),
        years,
        maps,
    )
    suggestions = Suggestion.objects.filter(raised_on__year=y)
    maps[Suggestion] = clone(Suggestion, suggestions, years, maps)
    clone_m2m(Suggestion, "members", maps[Suggestion], maps)
    # 社情民意: the year's issues, items (drafts stay), photos, instructions, adoptions.
    issues = OpinionIssue.objects.filter(year=y)
    maps[OpinionIssue] = clone(OpinionIssue, issues, years, maps, year_fields=("year",))
    opinions = OpinionItem.objects.filter(submitted_on__year=y)
    maps[OpinionItem] = clone(OpinionItem, opinions, years, maps)
    clone(OpinionPhoto, OpinionPhoto.objects.filter(item__in=opinions), years, maps)
    clone(
        OpinionInstruction,
        OpinionInstruction.objects.filter(Q(item__in=opinions) | Q(issue__in=issues)),
        years,
        maps,
    )
    clone(OpinionAdoption, OpinionAdoption.objects.filter(item__in=opinions), years, maps)
    referrals = Referral.objects.filter(
        Q(suggestion__in=suggestions) | Q(proposal__in=proposals) | Q(opinion__in=opinions)
    )
    maps[Referral] = clone(Referral, referrals, years, maps)
    clone_m2m(Referral, "co_departments", maps[Referral], maps)
    meetings = Meeting.objects.filter(date__year=y)
    maps[Meeting] = clone(Meeting, meetings, years, maps)
    clone(Attendance, Attendance.objects.filter(meeting__in=meetings), years, maps)
    clone(DutyReport, DutyReport.objects.filter(year=y), years, maps, year_fields=("year",))
    studies = StudySession.objects.filter(date__year=y)
    maps[StudySession] = clone(StudySession, studies, years, maps)
    clone_m2m(StudySession, "attendees", maps[StudySession], maps)
    clone_m2m(StudySession, "staff_attendees", maps[StudySession], maps)
    clone(ContactRecord, ContactRecord.objects.filter(date__year=y), years, maps)


def fill(total_years: int) -> None:
    """Give the bench database `total_years` years of records ending with the seeded year,
    and print how long each year's ledger derivation took."""
    refuse_unless_bench_database()
    for years in range(1, total_years):
        year = SEEDED_YEAR - years
        if Session.objects.filter(started_at__year=year).exists():
            continue
        start = time.perf_counter()
        copy_year(years)
        print(f"bench: {year} copied from {SEEDED_YEAR} in {time.perf_counter() - start:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # Deriving a year's ledger with every year present (issue: under 5 s for 256 members).
    for year in range(SEEDED_YEAR - total_years + 1, SEEDED_YEAR + 1):
        start = time.perf_counter()
        ledger_derive(year=year)
        print(f"bench: ledger_derive({year}) {time.perf_counter() - start:.2f} s", flush=True)
