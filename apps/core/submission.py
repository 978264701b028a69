"""Create forms that save once per rendered form, however often they are posted.

Each create form carries a one-time key (`{% load submission %}{% submission_key %}`
inside the `<form>`: a fresh uuid4 per rendered form, the posted one again when the form
comes back with errors). A create view mixes in `SubmitOnceMixin` just before its generic
base (after the mixins that check permissions and scope):

    class TopicCreateView(PermissionRequiredMixin, ..., SubmitOnceMixin, CreateView): ...

A POST with a key runs the view inside one transaction that first inserts the key
(`SubmissionKey`, unique per user) and, once the view has created its row (`self.object`),
points the key at it. A second POST with the same key — sent later, or at the same moment
(PostgreSQL makes the second insert of the key wait for the first transaction, then fail)
— creates nothing: it is redirected to the first row's page (`repeated_url`) with a
message. A form sent back with errors creates nothing and frees its key, so the corrected
form is still saved once. A POST without a key (old pages, scripts) is handled as before.
Keys older than SUBMISSION_KEY_MAX_AGE_DAYS are deleted on the next keyed POST (one
indexed DELETE), so the table stays small without a scheduled job.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext

from . import pagecache
from .models import SubmissionKey

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest, HttpResponse

FIELD_NAME = "submission_key"


def new_key() -> str:
    return uuid.uuid4().hex


def posted_key(request: HttpRequest) -> uuid.UUID | None:
    """The key a POST carries, or None (absent or malformed: handled as before keys)."""
    raw = request.POST.get(FIELD_NAME, "") if request.method == "POST" else ""
    if not raw or len(raw) > 36:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def form_key(request: HttpRequest) -> str:
    """The key a rendered form carries: the posted one when the form comes back with
    errors (so the corrected form is still saved once), else a new one."""
    key = posted_key(request)
    if key is not None:
        return key.hex
    # A page kept by `pagecache` gets a new key in place of the placeholder on every answer.
    return pagecache.SUBMISSION_PLACEHOLDER.text if pagecache.rendering(request) else new_key()


def _prune() -> None:
    cutoff = timezone.now() - timedelta(days=settings.SUBMISSION_KEY_MAX_AGE_DAYS)
    SubmissionKey.objects.filter(created_at__lt=cutoff).delete()


def _recorded(user, key: uuid.UUID) -> tuple[bool, Model | None]:
    """(whether the key is claimed, the row it made or None)."""
    claim = SubmissionKey.objects.filter(user=user, key=key).first()
    if claim is None:
        return False, None
    if claim.content_type_id is None:
        return True, None
    return True, claim.created_object


class SubmitOnceMixin:
    """Runs a create view's POST once per submission key (see the module docstring). The
    view leaves the row it created in `self.object`; `repeated_url(row)` is where a repeated
    POST lands (default: the row's own page)."""

    request: HttpRequest

    def repeated_url(self, obj: Any) -> str:
        return obj.get_absolute_url()

    def dispatch(self, request, *args, **kwargs):
        key = posted_key(request)
        if key is None or not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        _prune()
        claimed, obj = _recorded(request.user, key)
        if claimed and obj is None:
            # The row was deleted since (or a claim without a row): start afresh.
            SubmissionKey.objects.filter(user=request.user, key=key).delete()
        elif claimed:
            return self._repeated(obj)
        self.object = None
        try:
            with transaction.atomic():
                claim = SubmissionKey.objects.create(user=request.user, key=key)
                response = super().dispatch(request, *args, **kwargs)
                created = getattr(self, "object", None)
                if created is not None and created.pk is not None:
                    claim.content_type = ContentType.objects.get_for_model(created)
                    claim.object_id = created.pk
                    claim.save(update_fields=["content_type", "object_id"])
                else:
                    # Nothing saved (errors shown): the corrected form may use the key.
                    claim.delete()
        except IntegrityError:
            # The same key was claimed meanwhile by a concurrent request, now committed.
            claimed, obj = _recorded(request.user, key)
            if obj is None:
                raise
            return self._repeated(obj)
        return response

    def _repeated(self, obj: Model) -> HttpResponse:
        messages.info(
            self.request, gettext("This form was already submitted; nothing was saved twice.")
        )
        return HttpResponseRedirect(self.repeated_url(obj))
