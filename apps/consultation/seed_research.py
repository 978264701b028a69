"""Seed the 2021 research work of the article: 14 special research consultations (专题协商调研)
→ 14 reports → 100+ suggestions; county leaders' instructions on several reports; the
suggestions referred (批转/交办) to departments, replied, closed, some overdue, a few referred
again after an unsatisfied reply. Called by `seed.py` after the sessions.

Get-or-create only. Everything is fixed by the project's title (string-seeded generators),
except the dates of the few referrals still waiting: they are placed around the day of the
first seeding (referred 12 days before, due 18 days after), so a demo always shows
referrals in every state — awaiting, overdue, replied, closed — whatever the day."""

from __future__ import annotations

import datetime
import random
import zlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.accounts.models import Unit
from apps.core.seeding import SeedContext, ensure_rows, read_fixture
from apps.members.models import Member
from apps.venues.models import Venue

from .models import (
    Department,
    Instruction,
    Referral,
    Report,
    ReportVersion,
    ResearchProject,
    Session,
    Suggestion,
    Topic,
)
from .seed_research_data import (
    INSTRUCTION_TEXT,
    LEADERS,
    PROJECTS,
    REFERRAL_NOTE,
    REPLY_TEXT,
    REPORT_BODY,
)

YEAR = 2021


def seed(ctx: SeedContext) -> None:
    departments = ensure_rows(ctx, Department, read_fixture("departments.json"), "name")
    units = {u.name: u for u in Unit.objects.all()}
    venues = {
        v.township.name if v.township else v.name: v
        for v in Venue.objects.active().select_related("township")
    }
    members = list(
        Member.objects.filter(term=settings.CURRENT_TERM, status=Member.Status.ACTIVE)
        .order_by("member_no")
        .only("pk", "name")
    )
    staff = _seed_staff_user()
    today = timezone.localdate()
    for entry in PROJECTS:
        _project(
            ctx,
            entry,
            departments=departments,
            units=units,
            venues=venues,
            members=members,
            staff=staff,
            today=today,
        )
    _session_referrals(ctx, departments, staff)


def _seed_staff_user():
    """The staff account recorded as having referred and closed (the first seeded staff)."""
    from apps.accounts.models import User

    return User.objects.filter(groups__name="county_staff").order_by("username").first()


def _rng(*parts) -> random.Random:
    return random.Random("|".join(str(p) for p in (YEAR, "research", *parts)))


def _project(ctx, entry, *, departments, units, venues, members, staff, today) -> None:
    (
        topic_title,
        title,
        category,
        source,
        source_note,
        unit_name,
        department_names,
        place,
        (start_month, end_month),
        (report_month, report_day),
        leader,
        items,
    ) = entry
    unit = units.get(unit_name)
    if unit is None:
        return
    rng = _rng(title)
    topic, created = Topic.objects.get_or_create(
        year=YEAR,
        title=topic_title,
        defaults={
            "category": category,
            "source": source,
            "source_note": source_note,
            "status": Topic.Status.DONE,
            "description": f"{YEAR}年度专题协商调研议题。",
        },
    )
    ctx.count("topics", created)
    report_on = datetime.date(YEAR, report_month, report_day)
    project, created = ResearchProject.objects.get_or_create(
        topic=topic,
        title=title,
        defaults={
            "lead_unit": unit,
            "planned_start": datetime.date(YEAR, start_month, 1),
            "planned_end": datetime.date(YEAR, end_month, 28),
            "actual_start": datetime.date(YEAR, start_month, rng.randint(5, 15)),
            "actual_end": report_on,
            "status": ResearchProject.Status.DONE,
            "description": f"围绕“{topic_title}”，采取实地察看、座谈交流、问卷调查等方式开展调研，"
            "形成调研报告报县委、县政府参阅。",
        },
    )
    ctx.count("research projects", created)
    team = rng.sample(members, min(len(members), rng.randint(5, 7))) if members else []
    if created and team:
        project.team_leader = team[0]
        project.save(update_fields=["team_leader"])
        project.team.set(team)
    venue = venues.get(place)
    if venue is not None:
        visit_day = datetime.date(YEAR, start_month + 1, rng.randint(3, 25))
        started_at = datetime.datetime(
            visit_day.year,
            visit_day.month,
            visit_day.day,
            15,
            30,
            tzinfo=timezone.get_current_timezone(),
        )
        session, visit_created = Session.objects.get_or_create(
            venue=venue,
            started_at=started_at,
            defaults={
                "topic": topic,
                "form": Session.Form.SPECIAL,
                "place": f"{place}（调研座谈）",
                "departments": "、".join(department_names),
                "other_attendee_count": rng.randint(6, 15),
                "other_attendees": "部门负责同志、基层干部和群众代表",
                "minutes": f"调研组围绕“{topic_title}”实地察看并召开座谈会，听取部门和群众意见。",
                "state": Session.State.PUBLISHED,
                "submitted_at": started_at + datetime.timedelta(days=1),
                "published_at": started_at + datetime.timedelta(days=2),
            },
        )
        if visit_created:
            session.members.set(team)
        ctx.count("consultation sessions", visit_created)
        if created:
            project.visits.add(session)
    report = _report(ctx, project, unit, topic_title, place, report_on, items, rng)
    if report is None:
        return
    suggestions = _suggestions(ctx, report, items, team, rng)
    instruction = None
    if leader is not None:
        leader_title, leader_name = LEADERS[leader]
        instruction, created = Instruction.objects.get_or_create(
            report=report,
            leader_name=leader_name,
            defaults={
                "leader_title": leader_title,
                "instructed_on": report_on + datetime.timedelta(days=rng.randint(4, 10)),
                "text": INSTRUCTION_TEXT.format(
                    title=report.title, departments="、".join(department_names[:2])
                ),
                "entered_by": staff,
                "on_behalf": True,
            },
        )
        ctx.count("leaders' instructions", created)
    for index, suggestion in enumerate(suggestions):
        if suggestion.outcome == Suggestion.Outcome.REFERENCE:
            continue  # kept for reference: not referred
        if instruction is None and index % 3:
            continue  # without an instruction staff referred only some
        # The first department leads most; every fourth goes to the second; every other
        # one has a co-handling department.
        lead_name = department_names[1] if index % 4 == 3 else department_names[0]
        lead = departments[lead_name]
        co = [departments[n] for n in department_names if n != lead_name][:1] if index % 2 else []
        start = (instruction.instructed_on if instruction else report_on) + datetime.timedelta(
            days=3
        )
        _referral(ctx, suggestion, lead, co, instruction, start, staff, today, _rng(title, index))


def _report(ctx, project, unit, topic_title, place, report_on, items, rng) -> Report | None:
    title = project.title.replace("的调研", "的调研报告")
    report = Report.objects.filter(project=project, title=title).first()
    if report is not None:
        ctx.count("research reports", False)
        return report
    body = REPORT_BODY.format(
        year=YEAR,
        unit=unit.name,
        topic=topic_title,
        place=place,
        count=len(items),
        items="\n".join(f"{i}. {text}" for i, (text, _c) in enumerate(items, 1)),
    )
    report = Report(project=project, title=title, submitted_on=report_on, body=body, version=1)
    # Three reports come with their signed PDF, as offices usually file them.
    if project.title in {p[1] for p in PROJECTS[:3]}:
        report.attachment.save("report.pdf", ContentFile(sample_pdf(title)), save=False)
        report.attachment_name = f"{title}.pdf"
        report.attachment_size = report.attachment.size
    report.save()
    version = ReportVersion.objects.create(
        report=report,
        number=1,
        title=report.title,
        body=report.body,
        attachment=report.attachment.name if report.attachment else "",
        attachment_name=report.attachment_name,
        attachment_size=report.attachment_size,
        note="报送稿",
    )
    # Saved on the day of the report (auto_now_add stamps the seeding day).
    ReportVersion.objects.filter(pk=version.pk).update(
        created_at=datetime.datetime.combine(
            report_on, datetime.time(17, 0), tzinfo=timezone.get_current_timezone()
        )
    )
    ctx.count("research reports", True)
    return report


def _suggestions(ctx, report, items, team, rng) -> list[Suggestion]:
    existing = list(report.suggestions.order_by("pk"))
    if existing:
        return existing
    created = []
    for text, category in items:
        roll = rng.random()
        outcome = (
            Suggestion.Outcome.ADOPTED
            if roll < 0.65
            else Suggestion.Outcome.PARTLY
            if roll < 0.85
            else Suggestion.Outcome.REFERENCE
        )
        suggestion = Suggestion.objects.create(
            report=report,
            text=text,
            category=category,
            raised_on=report.submitted_on,
            outcome=outcome,
            outcome_on=report.submitted_on + datetime.timedelta(days=rng.randint(15, 30)),
        )
        if team:
            suggestion.members.set(rng.sample(team, min(len(team), rng.randint(1, 3))))
        ctx.count("suggestions", True)
        created.append(suggestion)
    return created


def _referral(ctx, suggestion, lead, co, instruction, start, staff, today, rng) -> None:
    """One referral in a state drawn from `rng`: closed (half), replied, overdue, or closed
    as unsatisfied and referred again (awaiting, dated around `today`)."""
    if Referral.objects.filter(suggestion=suggestion).exists():
        ctx.count("referrals", False)
        return
    roll = rng.random()
    referral = Referral(
        suggestion=suggestion,
        department=lead,
        instruction=instruction,
        referred_on=start,
        due_on=start + datetime.timedelta(days=60),
        note=REFERRAL_NOTE,
        referred_by=staff,
    )
    if roll < 0.82:  # replied
        implementation = rng.choices(
            list(Referral.Implementation), weights=[6, 3, 2] if roll < 0.55 else [1, 3, 2]
        )[0]
        referral.replied_on = start + datetime.timedelta(days=rng.randint(18, 58))
        referral.implementation = implementation
        referral.reply_text = REPLY_TEXT[implementation].format(department=lead.name)
        referral.reply_recorded_by = staff
    if roll < 0.55 or 0.74 <= roll < 0.82:  # closed
        assert referral.replied_on is not None  # replied above (roll < 0.82)
        referral.closed_on = referral.replied_on + datetime.timedelta(days=rng.randint(7, 20))
        referral.closed_by = staff
        referral.satisfaction = (
            Referral.Satisfaction.UNSATISFIED
            if roll >= 0.74
            else rng.choice(
                [Referral.Satisfaction.SATISFIED] * 3 + [Referral.Satisfaction.BASICALLY]
            )
        )
    referral.save()
    referral.co_departments.set(co)
    ctx.count("referrals", True)
    if referral.satisfaction == Referral.Satisfaction.UNSATISFIED:
        # Referred again after the unsatisfied reply; the new reply is awaited.
        again = Referral.objects.create(
            suggestion=suggestion,
            department=lead,
            instruction=instruction,
            referred_on=today - datetime.timedelta(days=12),
            due_on=today + datetime.timedelta(days=18),
            note="委员对答复不满意，请重新研究办理。",
            referred_by=staff,
        )
        again.co_departments.set(co)
        ctx.count("referrals", True)


# Livelihood consultations (急难愁盼): suggestions of the sessions referred to the first
# department their session invited.
def _session_referrals(ctx, departments, staff) -> None:
    sessions = (
        Session.objects.filter(topic__category=Topic.Category.LIVELIHOOD, topic__year=YEAR)
        .exclude(departments="")
        .prefetch_related("suggestions")
        .order_by("started_at")
    )
    for session in sessions:
        names = [n for n in session.departments.split("、") if n in departments]
        if not names:
            continue
        held = timezone.localtime(session.started_at).date()
        for index, suggestion in enumerate(list(session.suggestions.all())[:2]):
            if not suggestion.outcome:
                suggestion.outcome = Suggestion.Outcome.ADOPTED
                suggestion.outcome_on = held + datetime.timedelta(days=10)
                suggestion.save(update_fields=["outcome", "outcome_on"])
            _referral(
                ctx,
                suggestion,
                departments[names[index % len(names)]],
                [],
                None,
                held + datetime.timedelta(days=14),
                staff,
                timezone.localdate(),
                _rng(session.venue_id, suggestion.text),
            )


def link_demo_users(ctx: SeedContext, users: dict) -> None:
    """The demo member proposed suggestions in several states and served on a research
    team, so their home and "My suggestions" page show the whole follow-up."""
    user = users.get("member")
    member = Member.objects.filter(user=user).first() if user else None
    if member is None or member.suggestions.exists():
        return
    picked: dict[str, Suggestion] = {}
    candidates = Suggestion.objects.from_reports().with_progress().order_by("pk")
    for suggestion in candidates:
        if suggestion.progress not in picked:
            picked[suggestion.progress] = suggestion
    for suggestion in picked.values():
        suggestion.members.add(member)
        ctx.count("demo member suggestions", True)
    project = ResearchProject.objects.filter(reports__suggestions__in=list(picked.values())).first()
    if project is not None:
        project.team.add(member)


def sample_pdf(title: str) -> bytes:
    """A one-page PDF (ASCII text: the built-in fonts have no Chinese glyphs)."""
    text = f"Xiangcheng CPPCC research report {YEAR} - {zlib.crc32(title.encode()) % 10_000:04d}"
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
