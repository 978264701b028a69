"""Writes of the consultation app. Each checks who may do it and in which state, so a view,
an admin action or a script cannot skip a rule; each is atomic.

    draft ──submit──▶ submitted ──publish──▶ published
      ▲                   │
      └──(edit, submit)── returned ◀──return (with a reason)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.roles import is_staff_user
from apps.core.uploads import ProcessedImage
from apps.members.models import Member
from apps.venues.managers import manages_venue

from .models import Session, SessionPhoto, Suggestion, Topic

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


def _invalid_state(message) -> ValidationError:
    return ValidationError(message, code="invalid_state")


def _locked(session: Session) -> Session:
    """The session as stored now, locked until the end of the transaction."""
    return Session.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def topic_get_or_create(*, data: TopicInput, user: User | None) -> Topic:
    title = " ".join(data.title.split())
    topic, _created = Topic.objects.get_or_create(
        year=data.year,
        title=title,
        defaults={"category": data.category, "created_by": user},
    )
    return topic


@transaction.atomic
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
    nothing. `session` carries the edited fields (a ModelForm's instance)."""
    if session.pk is None:
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
    session._history_user = user
    session.save()
    session.members.set(members)
    _save_suggestions(session, suggestions)
    _save_photos(session, user, new_photos, removed_photo_ids)
    return session


def _save_suggestions(session: Session, suggestions: Sequence[SuggestionInput]) -> None:
    existing = {s.pk: s for s in session.suggestions.all()}
    for item in suggestions:
        suggestion = existing.get(item.pk) if item.pk else None
        if item.pk and suggestion is None:
            continue  # not a suggestion of this session: ignored
        if item.delete:
            if suggestion is not None:
                suggestion.delete()
            continue
        if not item.text.strip():
            continue
        suggestion = suggestion or Suggestion(session=session)
        suggestion.text = item.text.strip()
        suggestion.category = item.category
        suggestion.save()
        suggestion.members.set(item.members)


def _save_photos(
    session: Session,
    user: User,
    new_photos: Sequence[ProcessedImage],
    removed_photo_ids: Collection[int],
) -> None:
    if removed_photo_ids:
        removed = list(session.photos.filter(pk__in=removed_photo_ids))
        files = [(p.image.storage, p.image.name) for p in removed] + [
            (p.thumbnail.storage, p.thumbnail.name) for p in removed
        ]
        for photo in removed:
            photo.delete()
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in files if name])
    if session.photos.count() + len(new_photos) > MAX_PHOTOS:
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
    session._history_user = user
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
    session._history_user = user
    session.save(update_fields=["state", "published_at", "published_by", "updated_at"])
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
    session._history_user = user
    session.save(update_fields=["state", "return_reason", "updated_at"])
    return session
