"""Writes of the consultation app. Each checks who may do it and in which state, so a view,
an admin action or a script cannot skip a rule; each is atomic.

Sessions:

    draft ──submit──▶ submitted ──publish──▶ published
      ▲                   │
      └──(edit, submit)── returned ◀──return (with a reason)

Research: topic → project (`project_save`) → report (`report_save`, each save a version)
→ suggestions (`suggestion_save`) and leaders' instructions (`instruction_add`). What
follows — referrals to departments, replies, opinions, closing, reopening — is the
handling chain, for every kind of subject: `handling.py`.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.roles import is_leader, is_staff_user
from apps.core.media import media_atomic
from apps.core.notifications import notify
from apps.core.uploads import ProcessedImage
from apps.members.models import Member
from apps.venues.managers import manages_venue

from .models import (
    Instruction,
    Report,
    ReportVersion,
    ResearchProject,
    Session,
    SessionPhoto,
    Suggestion,
    Topic,
)

# Most photos a session keeps.
MAX_PHOTOS = 30


# Who may do what: plain functions of the user and the session (no query beyond the
# user's groups and managed venues, both cached per request).


def can_edit_session(user: User, session: Session) -> bool:
    if not user.has_perm("consultation.change_session"):
        return False
    if is_staff_user(user):
        return True
    return manages_venue(user, session.venue_id) and session.state in Session.EDITABLE_STATES


def can_submit_session(user: User, session: Session) -> bool:
    return session.state in Session.EDITABLE_STATES and can_edit_session(user, session)


def can_review_session(user: User, session: Session) -> bool:
    return session.state == Session.State.SUBMITTED and user.has_perm("consultation.review_session")


@dataclass
class SuggestionInput:
    """One inline suggestion of the session form: `pk` None for a new one."""

    text: str
    category: str = Suggestion.Category.OTHER
    members: Sequence[Member] = field(default_factory=list)
    pk: int | None = None
    delete: bool = False


@dataclass
class TopicInput:
    """A topic typed in the session form instead of picked."""

    title: str
    category: str
    year: int


def _record_author(instance: models.Model, user: User) -> None:
    """The user django-simple-history records on the historical row of the next save."""
    # `_history_user` is simple_history's documented hook; the library ships no types.
    instance._history_user = user  # type: ignore[attr-defined]


def _invalid_state(message) -> ValidationError:
    return ValidationError(message, code="invalid_state")


def _locked(session: Session) -> Session:
    """The session as stored now, locked until the end of the transaction."""
    return Session.objects.select_for_update().get(pk=session.pk)


@transaction.atomic(savepoint=False)
def topic_get_or_create(*, data: TopicInput, user: User | None) -> Topic:
    """The topic of that year and title, created if new. Inside another transaction (the
    session's save) no savepoint of its own: `get_or_create` keeps one for its insert."""
    title = " ".join(data.title.split())
    topic, _created = Topic.objects.get_or_create(
        year=data.year,
        title=title,
        defaults={
            "category": data.category,
            "created_by": user,
            "status": Topic.Status.CONSULTING,
        },
    )
    return topic


@media_atomic
def session_save(
    *,
    session: Session,
    user: User,
    members: Iterable[Member],
    suggestions: Sequence[SuggestionInput] = (),
    new_topic: TopicInput | None = None,
    new_photos: Sequence[ProcessedImage] = (),
    removed_photo_ids: Collection[int] = (),
) -> Session:
    """Create or update a session with its members, suggestions and photos, all or
    nothing. `session` carries the edited fields (a ModelForm's instance). A new session
    has no members, suggestions or photos to read first: they are only added."""
    created = session.pk is None
    if created:
        if not user.has_perm("consultation.add_session"):
            raise PermissionDenied
        session.state = Session.State.DRAFT
        session.created_by = user
    else:
        stored = _locked(session)
        # The rights on the stored row count, not what the form says.
        if not can_edit_session(user, stored):
            raise PermissionDenied
        session.state = stored.state
    # The venue, new or changed, must be one the user logs sessions at.
    if not (is_staff_user(user) or manages_venue(user, session.venue_id)):
        raise PermissionDenied
    if new_topic is not None:
        session.topic = topic_get_or_create(data=new_topic, user=user)
    _record_author(session, user)
    session.save()
    _set_members(session.members, members, created=created)
    _save_suggestions(session, suggestions, created=created)
    if not created:
        # The suggestions carry the date of their session (a new session's were just
        # created with it).
        held_on = session.held_on()
        session.suggestions.exclude(raised_on=held_on).update(raised_on=held_on)
    _save_photos(session, user, new_photos, removed_photo_ids, created=created)
    return session


def _set_members(manager, members: Iterable[Member], *, created: bool) -> None:
    """`manager.set(members)`; on a row just created, `add()`: the same rows, signals
    and history, without reading the (no) members it had."""
    if created:
        manager.add(*members)
    else:
        manager.set(members)


def _save_suggestions(
    session: Session, suggestions: Sequence[SuggestionInput], *, created: bool = False
) -> None:
    existing = {} if created else {s.pk: s for s in session.suggestions.all()}
    for item in suggestions:
        suggestion = existing.get(item.pk) if item.pk else None
        if item.pk and suggestion is None:
            continue  # not a suggestion of this session: ignored
        if item.delete:
            if suggestion is not None:
                _delete_suggestion(suggestion)
            continue
        if not item.text.strip():
            continue
        is_new = suggestion is None
        suggestion = suggestion or Suggestion(session=session)
        suggestion.text = item.text.strip()
        suggestion.category = item.category
        suggestion.save()
        _set_members(suggestion.members, item.members, created=is_new)


def _delete_suggestion(suggestion: Suggestion) -> None:
    """Delete a suggestion not referred yet; a referred one is kept by its referrals
    (PROTECT), so refuse it with a message rather than let ProtectedError escape."""
    if suggestion.referrals.exists():
        raise ValidationError(
            _("The suggestion “%(text)s” has been referred to a department and cannot be deleted."),
            code="referred",
            params={"text": Truncator(suggestion.text).chars(30)},
        )
    suggestion.delete()


def _save_photos(
    session: Session,
    user: User,
    new_photos: Sequence[ProcessedImage],
    removed_photo_ids: Collection[int],
    *,
    created: bool = False,
) -> None:
    if removed_photo_ids:
        # Their files are deleted once the transaction commits (apps.core.media).
        for photo in session.photos.filter(pk__in=removed_photo_ids):
            photo.delete()
    kept = 0 if created else session.photos.count()
    if kept + len(new_photos) > MAX_PHOTOS:
        raise ValidationError(
            _("A session keeps at most %(max)s photos."), params={"max": MAX_PHOTOS}
        )
    for image in new_photos:
        SessionPhoto.objects.create(
            session=session,
            image=image,
            thumbnail=image.thumbnail,
            width=image.width,
            height=image.height,
            uploaded_by=user,
        )


@transaction.atomic
def session_submit(*, session: Session, user: User) -> Session:
    """draft or returned → submitted, by someone who may edit it; the minutes are needed."""
    session = _locked(session)
    if not can_edit_session(user, session):
        raise PermissionDenied
    if session.state not in Session.EDITABLE_STATES:
        raise _invalid_state(_("Only a draft or a returned session can be submitted."))
    if not session.minutes.strip():
        raise ValidationError(_("Write the minutes before submitting."), code="no_minutes")
    session.state = Session.State.SUBMITTED
    session.submitted_at = timezone.now()
    session.return_reason = ""
    _record_author(session, user)
    session.save(update_fields=["state", "submitted_at", "return_reason", "updated_at"])
    return session


@transaction.atomic
def session_publish(*, session: Session, user: User) -> Session:
    """submitted → published, by staff."""
    session = _locked(session)
    if not user.has_perm("consultation.review_session"):
        raise PermissionDenied
    if session.state != Session.State.SUBMITTED:
        raise _invalid_state(_("Only a submitted session can be published."))
    session.state = Session.State.PUBLISHED
    session.published_at = timezone.now()
    session.published_by = user
    _record_author(session, user)
    session.save(update_fields=["state", "published_at", "published_by", "updated_at"])
    notify(
        [session.created_by],
        kind="session_published",
        title=_("Your session “%(topic)s” is published")
        % {"topic": Truncator(session.topic.title).chars(40)},
        url=session.get_absolute_url(),
        target=session,
    )
    return session


@transaction.atomic
def session_return(*, session: Session, user: User, reason: str) -> Session:
    """submitted → returned to its office head with a reason, by staff."""
    session = _locked(session)
    if not user.has_perm("consultation.review_session"):
        raise PermissionDenied
    if session.state != Session.State.SUBMITTED:
        raise _invalid_state(_("Only a submitted session can be returned."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the session is returned."), code="no_reason")
    session.state = Session.State.RETURNED
    session.return_reason = reason
    _record_author(session, user)
    session.save(update_fields=["state", "return_reason", "updated_at"])
    notify(
        [session.created_by],
        kind="session_returned",
        title=_("Your session “%(topic)s” was returned: correct it and submit again")
        % {"topic": Truncator(session.topic.title).chars(40)},
        body=reason,
        url=session.get_absolute_url(),
        target=session,
    )
    return session


# --- research: projects, reports, instructions, suggestions ----------------------------------


def _field_error(field_name: str, message, code: str, params: dict | None = None):
    """A ValidationError a form shows next to `field_name` (params substituted)."""
    return ValidationError({field_name: ValidationError(message, code=code, params=params)})


def _require(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


@transaction.atomic
def project_save(
    *,
    project: ResearchProject,
    user: User,
    team: Iterable[Member] = (),
    visits: Iterable[Session] = (),
) -> ResearchProject:
    """Create or update a project with its team and field visits, all or nothing.
    `project` carries the edited fields (a ModelForm's instance)."""
    _require(
        user,
        "consultation.add_researchproject"
        if project.pk is None
        else "consultation.change_researchproject",
    )
    if project.pk is None:
        project.created_by = user
    project.full_clean(exclude=["team", "visits"])
    _record_author(project, user)
    project.save()
    team = list(team)
    members: list[Member | int] = list(team)
    if project.team_leader_id and all(m.pk != project.team_leader_id for m in team):
        members.append(project.team_leader_id)
    project.team.set(members)
    project.visits.set(visits)
    return project


@dataclass
class DocumentInput:
    """A checked upload (`apps.core.uploads.check_document`) to attach to a report."""

    file: object
    name: str
    size: int


@media_atomic
def report_save(
    *,
    report: Report,
    user: User,
    attachment: DocumentInput | None = None,
    remove_attachment: bool = False,
    note: str = "",
) -> Report:
    """Create a report (version 1) or save a new version of it. The fields edited are on
    `report` (a ModelForm's instance); `attachment` replaces the file, `remove_attachment`
    drops it. Every save adds a `ReportVersion` holding the new state, so each earlier
    text and file stays readable. The report's suggestions take its date."""
    creating = report.pk is None
    _require(user, "consultation.add_report" if creating else "consultation.change_report")
    if creating:
        report.created_by = user
        report.version = 1
    else:
        stored = Report.objects.select_for_update().get(pk=report.pk)
        report.version = stored.version + 1
    if attachment is not None:
        report.attachment = attachment.file
        report.attachment_name = attachment.name[:200]
        report.attachment_size = attachment.size
    elif remove_attachment:
        report.attachment = ""
        report.attachment_name = ""
        report.attachment_size = 0
    report.title = report.title.strip()
    report.body = report.body.strip()
    if not report.body and not report.attachment:
        raise ValidationError(
            _("Write the text of the report or attach its file."), code="empty_report"
        )
    _record_author(report, user)
    report.save()
    ReportVersion.objects.create(
        report=report,
        number=report.version,
        title=report.title,
        body=report.body,
        # The version shares the stored file: nothing is copied, and a replaced file is
        # deleted only once no report or version names it (apps.core.media).
        attachment=report.attachment.name if report.attachment else "",
        attachment_name=report.attachment_name,
        attachment_size=report.attachment_size,
        note=note.strip()[:200] or (str(_("First version")) if creating else ""),
        created_by=user,
    )
    if not creating:
        report.suggestions.exclude(raised_on=report.submitted_on).update(
            raised_on=report.submitted_on
        )
    return report


@transaction.atomic
def instruction_add(
    *,
    report: Report,
    user: User,
    leader_name: str,
    leader_title: str,
    instructed_on: datetime.date,
    text: str,
) -> Instruction:
    """A leader's instruction on a report, written by a leader or entered by staff on the
    leader's behalf (recorded as such)."""
    _require(user, "consultation.add_instruction")
    text, leader_name = text.strip(), leader_name.strip()
    if not text:
        raise ValidationError(_("Write the text of the instruction."), code="no_text")
    if not leader_name:
        raise ValidationError(_("Name the leader who gave the instruction."), code="no_leader")
    if instructed_on < report.submitted_on:
        raise ValidationError(
            _("An instruction cannot be dated before its report (%(date)s)."),
            code="before_report",
            params={"date": report.submitted_on.isoformat()},
        )
    instruction = Instruction(
        report=report,
        leader_name=leader_name,
        leader_title=leader_title.strip(),
        instructed_on=instructed_on,
        text=text,
        entered_by=user,
        on_behalf=not is_leader(user),
    )
    _record_author(instruction, user)
    instruction.save()
    if is_leader(user) and not user.title and instruction.leader_title:
        # The position typed once fills the leader's profile: prefilled next time.
        user.title = instruction.leader_title[:50]
        user.save(update_fields=["title"])
    project = report.project
    authors = User.objects.filter(
        models.Q(member__research_projects=project)
        | models.Q(member__research_projects_led=project)
    ).distinct()
    notify(
        [*authors, report.created_by],
        kind="instruction_written",
        title=_("%(leader)s wrote an instruction on “%(report)s”")
        % {"leader": leader_name, "report": Truncator(report.title).chars(40)},
        body=text,
        url=instruction.get_absolute_url(),
        target=instruction,
    )
    return instruction


@transaction.atomic
def suggestion_save(
    *,
    suggestion: Suggestion,
    user: User,
    members: Iterable[Member],
) -> Suggestion:
    """Create a report's suggestion or change one (text, category, proposers, outcome).
    The outcome date is set when an outcome is first given and cleared with it."""
    _require(
        user,
        "consultation.add_suggestion"
        if suggestion.pk is None
        else "consultation.change_suggestion",
    )
    if suggestion.outcome and not suggestion.outcome_on:
        suggestion.outcome_on = timezone.localdate()
    if not suggestion.outcome:
        suggestion.outcome_on = None
    if suggestion.pk is None or suggestion.raised_on is None:
        suggestion.raised_on = suggestion.source_date()
    suggestion.text = suggestion.text.strip()
    _record_author(suggestion, user)
    suggestion.save()
    suggestion.members.set(members)
    return suggestion
