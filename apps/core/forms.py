"""Form rendering shared by every app: Bootstrap classes, errors next to the field."""

from typing import TypeVar

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.forms.renderers import DjangoTemplates
from django.utils.choices import BlankChoiceIterator
from django.utils.translation import gettext_lazy as _

from . import widget_html
from .choices import CachedModelChoiceIterator

_F = TypeVar("_F", bound=forms.Field)


class BootstrapFormRenderer(DjangoTemplates):
    """Fields through `core/bs_field.html`; selects, radio buttons and checkbox lists in
    Python (`apps.core.widget_html`: the templates' HTML without a template per option)."""

    field_template_name = "core/bs_field.html"

    def render(self, template_name, context, request=None):
        html = widget_html.render(template_name, context)
        if html is not None:
            return html
        return super().render(template_name, context, request=request)


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return ""
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


def field_of(form: forms.BaseForm, name: str, kind: type[_F]) -> _F:
    """The field `name` of `form` as the `kind` it is (a model choice field, a date
    field), so that setting its queryset or input formats is checked; a field of
    another kind (a changed Meta or declaration) is a TypeError, not a silent no-op."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(
            f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}"
        )
    return field


# Django's empty choice ("---------") reads as a prompt in every form's select.
DASHES = "---------"
EMPTY_CHOICE_LABEL = _("Please choose")


def prompt_empty_choice(field: forms.Field) -> None:
    """A select's empty choice reads 请选择, not Django's dashes (model choice fields'
    `empty_label`, and the blank choice of fields with `choices`)."""
    if type(field).__module__.startswith("django_filters"):
        return  # a filter's empty choice is FILTERS_EMPTY_CHOICE_LABEL (全部)
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = EMPTY_CHOICE_LABEL
        return
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
        choices = field.choices
        if isinstance(choices, BlankChoiceIterator):
            # A model field's choices with Django's blank choice added lazily.
            if list(choices.blank_choice) == [("", DASHES)]:
                field.choices = BlankChoiceIterator(choices.choices, [("", EMPTY_CHOICE_LABEL)])
            return
        if not isinstance(choices, list):
            return  # computed at render time (perhaps by a query): not read here
        if any(value == "" and label == DASHES for value, label in choices):
            field.choices = [
                (value, EMPTY_CHOICE_LABEL if value == "" and label == DASHES else label)
                for value, label in choices
            ]


def limit_text_length(field: forms.Field) -> None:
    """A text field without a length (a model TextField: minutes, content, a report's
    text) gets FORM_TEXT_MAX_CHARS, so that pasting a whole book answers a message next
    to the field with the text kept, not a request refused as a whole. No `maxlength`
    attribute: a browser would cut a paste short without a word."""
    if isinstance(field, forms.CharField) and field.max_length is None:
        field.max_length = settings.FORM_TEXT_MAX_CHARS
        field.validators.append(MaxLengthValidator(field.max_length))


class StyledFormMixin:
    """Adds Bootstrap classes to every widget and `is-invalid` to the fields in error,
    so a rejected form shows each message next to its field with the input kept. Long
    text fields get a length limit (`limit_text_length`); model choice fields cache their
    options under the data version (`apps.core.choices`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            limit_text_length(field)
            prompt_empty_choice(field)
            if isinstance(field, forms.ModelChoiceField):
                # Options cached under the data version (`apps.core.choices`); the
                # widget takes its choices again from the field.
                field.iterator = CachedModelChoiceIterator
                field.widget.choices = field.choices
            widget_html.use_fast_options(field.widget)
            css = _widget_class(field.widget)
            if css:
                existing = field.widget.attrs.get("class", "")
                field.widget.attrs["class"] = f"{existing} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class StyledForm(StyledFormMixin, forms.Form):
    pass


class StyledModelForm(StyledFormMixin, forms.ModelForm):
    pass
