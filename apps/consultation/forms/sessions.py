"""The session form with its inline suggestions (a formset), and returning a session."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from apps.core.forms import StyledForm, StyledModelForm, field_of
from apps.core.numbers import COUNT_MAX
from apps.core.uploads import MultipleImageField
from apps.members.models import Member
from apps.members.widgets import MemberPickerMultiple, suggest_members

from ..models import Referral, Session, SessionPhoto, Suggestion, Topic
from ..services import MAX_PHOTOS, SuggestionInput, TopicInput
from .fields import pickable_members


class SessionForm(StyledModelForm):
    """The office head's form, on a phone: venue (only those the user manages), topic
    picked or typed, form, time, place, members, other attendees, minutes and photos."""

    new_topic_title = forms.CharField(
        label=_("Or a new topic"),
        max_length=100,
        required=False,
        help_text=_("Type a title when the topic is not in the list."),
    )
    new_topic_category = forms.ChoiceField(
        label=_("Category of the new topic"),
        choices=Topic.Category.choices,
        initial=Topic.Category.LIVELIHOOD,
        required=False,
    )
    photos = MultipleImageField(label=_("Add photos"), required=False, max_files=MAX_PHOTOS)
    remove_photos = forms.ModelMultipleChoiceField(
        label=_("Remove photos"),
        queryset=SessionPhoto.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Session
        fields = [
            "venue",
            "topic",
            "new_topic_title",
            "new_topic_category",
            "form",
            "started_at",
            "place",
            "members",
            "departments",
            "other_attendee_count",
            "other_attendees",
            "minutes",
        ]
        widgets = {
            "started_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "members": MemberPickerMultiple,
            "other_attendee_count": forms.NumberInput(
                attrs={"min": 0, "max": COUNT_MAX, "inputmode": "numeric"}
            ),
            "other_attendees": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, user, venues, member_suggestions: Iterable[Member] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        session = self.instance
        venue_field = field_of(self, "venue", forms.ModelChoiceField)
        venue_field.queryset = venues
        venue_field.empty_label = None if len(venues) == 1 else venue_field.empty_label
        topics = Topic.objects.open()
        if session.topic_id:
            topics = Topic.objects.filter(~Q(status=Topic.Status.DONE) | Q(pk=session.topic_id))
        field_of(self, "topic", forms.ModelChoiceField).queryset = topics.order_by("-year", "title")
        self.fields["topic"].required = False
        existing = list(session.members.values_list("pk", flat=True)) if session.pk else []
        field_of(self, "members", forms.ModelChoiceField).queryset = pickable_members(existing)
        self.fields["members"].help_text = _("Search by name or pinyin initials.")
        suggest_members(self, "members", member_suggestions)
        field_of(self, "started_at", forms.DateTimeField).input_formats = [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ]
        if session.pk:
            field_of(self, "remove_photos", forms.ModelChoiceField).queryset = session.photos.all()
        else:
            del self.fields["remove_photos"]

    def clean(self):
        cleaned = super().clean()
        title = (cleaned.get("new_topic_title") or "").strip()
        if title and cleaned.get("topic"):
            self.add_error("new_topic_title", _("Pick a topic or type a new one, not both."))
        elif not title and not cleaned.get("topic") and "topic" not in self.errors:
            self.add_error("topic", _("Pick a topic or type a new one."))
        kept = self.instance.photos.count() if self.instance.pk else 0
        removed = len(cleaned.get("remove_photos") or [])
        if kept - removed + len(cleaned.get("photos") or []) > MAX_PHOTOS:
            self.add_error(
                "photos",
                _("A session keeps at most %(max)s photos.") % {"max": MAX_PHOTOS},
            )
        return cleaned

    def new_topic(self) -> TopicInput | None:
        title = (self.cleaned_data.get("new_topic_title") or "").strip()
        if not title:
            return None
        started_at = self.cleaned_data.get("started_at")
        year = timezone.localtime(started_at).year if started_at else timezone.localdate().year
        return TopicInput(
            title=title,
            category=self.cleaned_data.get("new_topic_category") or Topic.Category.OTHER,
            year=year,
        )


REFERRED_NOT_DELETABLE = _(
    "This suggestion has been referred to a department and cannot be deleted."
)


class SuggestionForm(StyledModelForm):
    class Meta:
        model = Suggestion
        fields = ["text", "category", "members"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "members": MemberPickerMultiple,
        }

    def __init__(self, *args, member_suggestions: Iterable[Member] = (), **kwargs):
        super().__init__(*args, **kwargs)
        existing = (
            list(self.instance.members.values_list("pk", flat=True)) if self.instance.pk else []
        )
        field_of(self, "members", forms.ModelChoiceField).queryset = pickable_members(existing)
        suggest_members(self, "members", member_suggestions)


class BaseSuggestionFormSet(forms.BaseInlineFormSet):
    """The inline suggestions of a session. A suggestion already referred to a department
    cannot be deleted (its referrals keep it): its row offers no delete box
    (`form.is_referred`), and a crafted delete is refused next to the row. One query for
    the referred ids of the session."""

    @cached_property
    def referred_ids(self) -> set[int]:
        if not self.instance.pk:
            return set()
        return set(
            Referral.objects.filter(suggestion__session=self.instance).values_list(
                "suggestion_id", flat=True
            )
        )

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.is_referred = bool(form.instance.pk) and form.instance.pk in self.referred_ids

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if data and data.get("DELETE") and getattr(form, "is_referred", False):
                # Kept: the form is validated (and its error shown) like any other row.
                data["DELETE"] = False
                form.add_error(None, REFERRED_NOT_DELETABLE)

    def inputs(self) -> list[SuggestionInput]:
        """The suggestions to save: changed or existing forms, blank extra forms left out."""
        items = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not form.instance.pk and not (form.has_changed() and data.get("text")):
                continue
            items.append(
                SuggestionInput(
                    text=data.get("text", ""),
                    category=data.get("category") or Suggestion.Category.OTHER,
                    members=list(data.get("members") or []),
                    pk=form.instance.pk,
                    delete=bool(data.get("DELETE")),
                )
            )
        return items


SuggestionFormSet = inlineformset_factory(
    Session,
    Suggestion,
    form=SuggestionForm,
    formset=BaseSuggestionFormSet,
    fields=["text", "category", "members"],
    extra=2,
    max_num=50,
    validate_max=True,
    can_delete=True,
)


class SessionReturnForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("The office head sees this reason and corrects the session."),
    )
