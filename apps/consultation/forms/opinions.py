"""社情民意 forms: the item (a member's, or a liaison office's for residents) with photos,
the review steps, an issue's compilation and sending, instructions, higher adoptions."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import is_leader
from apps.core.forms import StyledForm, StyledModelForm, field_of
from apps.core.uploads import MultipleImageField, document_accept
from apps.venues.models import Township

from .. import opinion_services as services
from ..models import OpinionAdoption, OpinionCategory, OpinionItem, OpinionPhoto
from .fields import date_fields, work_date_field


class OpinionForm(StyledModelForm):
    """一事一报: title, situation, analysis, suggestions, category, township, photos and an
    attachment. An office head reporting for residents picks the office (a new item)."""

    office = forms.ModelChoiceField(
        label=_("Report for"),
        queryset=OpinionItem.objects.none(),
        required=False,
        help_text=_("Report for residents as the liaison office, or as yourself."),
    )
    photos = MultipleImageField(
        label=_("Add photos"), required=False, max_files=services.MAX_PHOTOS
    )
    remove_photos = forms.ModelMultipleChoiceField(
        label=_("Remove photos"),
        queryset=OpinionPhoto.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = OpinionItem
        fields = [
            "office",
            "title",
            "category",
            "township",
            "situation",
            "analysis",
            "suggestion",
            "photos",
            "remove_photos",
            "attachment",
        ]
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 5}),
            "analysis": forms.Textarea(attrs={"rows": 4}),
            "suggestion": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        item = self.instance
        offices = services.reporting_offices(user).select_related("township")
        office = field_of(self, "office", forms.ModelChoiceField)
        if item.pk or not offices:
            del self.fields["office"]
        else:
            office.queryset = offices
            if services.member_of(user) is None:
                office.required = True
                office.empty_label = None
            else:
                office.empty_label = str(_("Myself (as a member)"))
        field_of(
            self, "category", forms.ModelChoiceField
        ).queryset = OpinionCategory.objects.filter(is_active=True)
        field_of(self, "township", forms.ModelChoiceField).queryset = Township.objects.all()
        if item.pk:
            field_of(self, "remove_photos", forms.ModelChoiceField).queryset = item.photos.all()
        else:
            del self.fields["remove_photos"]
        self.fields["attachment"].widget.attrs["accept"] = document_accept()
        self.fields["title"].widget.attrs["maxlength"] = 200

    def clean(self):
        cleaned = super().clean()
        kept = self.instance.photos.count() if self.instance.pk else 0
        removed = len(cleaned.get("remove_photos") or [])
        if kept - removed + len(cleaned.get("photos") or []) > services.MAX_PHOTOS:
            self.add_error(
                "photos",
                _("An item keeps at most %(max)s photos.") % {"max": services.MAX_PHOTOS},
            )
        return cleaned

    def _post_clean(self):
        # The source is set by the service; the model's one-source rule waits for it.
        office = self.cleaned_data.get("office")
        if self.instance.pk is None:
            if office is not None:
                self.instance.venue, self.instance.member = office, None
                self.instance.township = self.instance.township or office.township
            else:
                self.instance.member = services.member_of(self.user)
        upload = self.cleaned_data.get("attachment")
        if isinstance(upload, UploadedFile):
            self.instance.attachment_name = upload.name[:200]
        super()._post_clean()


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class SentTextForm(StyledForm):
    """The text sent up: empty keeps the submitted one."""

    edited_title = forms.CharField(label=_("Title as sent up"), required=False, max_length=200)
    edited_text = forms.CharField(
        label=_("Text as sent up"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Empty: the submitted text is sent as is (it is kept either way)."),
    )


class OpinionInstructionForm(StyledForm):
    leader_name = forms.CharField(label=_("Leader"), max_length=50)
    leader_title = forms.CharField(label=_("Leader's position"), max_length=100, required=False)
    instructed_on = work_date_field(_("Date of the instruction"))
    text = forms.CharField(label=_("Instruction"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructed_on"].initial = timezone.localdate()
        if is_leader(user):
            self.fields["leader_name"].initial = user.get_full_name()
            self.fields["leader_title"].initial = user.title
        else:
            self.fields["leader_name"].help_text = _(
                "Entered on the leader's behalf: the instruction shows who entered it."
            )


class AdoptionForm(StyledModelForm):
    class Meta:
        model = OpinionAdoption
        fields = ["level", "kind", "on", "body", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        date_fields(self, "on")
        self.fields["on"].initial = timezone.localdate()

    def _post_clean(self):
        # The item and the rules are the service's (`adoption_record`).
        pass


class IssueForm(StyledForm):
    items = forms.ModelMultipleChoiceField(
        label=_("Adopted items"),
        queryset=OpinionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    compiled_on = work_date_field(_("Compiled on"))
    recipients = forms.CharField(
        label=_("Recipients"), max_length=200, required=False, initial="县委、县政府、市政协"
    )
    editor_note = forms.CharField(
        label=_("Editor's note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "items", forms.ModelMultipleChoiceField).queryset = (
            OpinionItem.objects.compilable()
            .select_related("member", "venue")
            .order_by("reviewed_on", "pk")
        )
        self.fields["compiled_on"].initial = timezone.localdate()


class SendForm(StyledForm):
    sent_on = work_date_field(_("Sent on"))
    recipients = forms.CharField(label=_("Recipients"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate()
