"""The choice widgets rendered in Python (`apps.core.widget_html`) give exactly the HTML of
Django's templates, escaping included."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from apps.core.forms import BootstrapFormRenderer, StyledForm
from apps.core.widget_html import FastOptionsMixin, use_fast_options

CHOICES = [
    ("", "---------"),
    (1, "一 <b>&"),
    ('a"b', mark_safe("<i>safe</i>")),
    ("Group <x>", [(3, "three"), (4, "four")]),
    (2021, 2021),
]


def widgets():
    yield forms.Select(choices=CHOICES, attrs={"class": "form-select", "data-x": "<'\">"})
    yield forms.Select(choices=CHOICES, attrs={"disabled": True, "hidden": False})
    yield forms.SelectMultiple(choices=CHOICES, attrs={"class": "form-select"})
    yield forms.NullBooleanSelect()
    yield forms.RadioSelect(choices=CHOICES, attrs={"class": "r"})
    yield forms.CheckboxSelectMultiple(choices=CHOICES)
    yield forms.RadioSelect(choices=[("x", "X"), ("y", "Y")])


@pytest.mark.parametrize("widget", list(widgets()), ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", [None, "", 1, 'a"b', [1, 3], [4, "2021"]])
@pytest.mark.parametrize("attrs", [None, {"id": "id_f<"}])
def test_same_html_as_the_templates(widget, value, attrs):
    if not getattr(widget, "allow_multiple_selected", False) and isinstance(value, list):
        value = value[0]
    expected = widget.render("f", value, attrs=attrs, renderer=DjangoTemplates())
    got = widget.render("f", value, attrs=attrs, renderer=BootstrapFormRenderer())
    assert got == expected


@pytest.mark.parametrize("widget", list(widgets())[:4], ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", [None, "", 1, 'a"b', [1, 3], [4, "2021"], "unknown"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_f<"}])
def test_selects_with_their_options_as_html_give_the_same_html(widget, value, attrs):
    """`use_fast_options` (every select of the project's forms): the same HTML from
    either renderer, without Django's per-option dicts."""
    if not getattr(widget, "allow_multiple_selected", False) and isinstance(value, list):
        value = value[0]
    expected = widget.render("f", value, attrs=attrs, renderer=DjangoTemplates())
    use_fast_options(widget)
    assert isinstance(widget, FastOptionsMixin)
    assert widget.render("f", value, attrs=attrs, renderer=BootstrapFormRenderer()) == expected
    assert widget.render("f", value, attrs=attrs, renderer=DjangoTemplates()) == expected


def test_a_styled_forms_selects_get_their_options_as_html():
    class Form(StyledForm):
        pick = forms.ChoiceField(choices=CHOICES)
        many = forms.MultipleChoiceField(choices=CHOICES)
        radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)

    form = Form()
    assert isinstance(form.fields["pick"].widget, FastOptionsMixin)
    assert isinstance(form.fields["many"].widget, FastOptionsMixin)
    assert not isinstance(form.fields["radio"].widget, FastOptionsMixin)
    assert not isinstance(Form.base_fields["pick"].widget, FastOptionsMixin)
    assert 'value="3" selected' in str(Form({"pick": "3"})["pick"])


def test_other_templates_go_to_the_engine():
    widget = forms.TextInput()
    assert widget.render("t", "<v>", renderer=BootstrapFormRenderer()) == widget.render(
        "t", "<v>", renderer=DjangoTemplates()
    )


class FieldGroupsByTemplates(DjangoTemplates):
    """The project's field group rendered by the template engine only."""

    field_template_name = "core/bs_field.html"


class EveryKindForm(StyledForm):
    name = forms.CharField(label="姓名 <b>", help_text="至多 <i>20</i> 字")
    note = forms.CharField(required=False, label="")
    agree = forms.BooleanField(label="同意？")
    pick = forms.ChoiceField(choices=CHOICES, required=False)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, label="单选")
    many = forms.MultipleChoiceField(
        choices=CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    day = forms.DateField(label=mark_safe("日期<sup>*</sup>"))


@pytest.mark.parametrize("data", [None, {}, {"name": "<script>", "radio": "x", "day": "no"}])
@pytest.mark.parametrize("prefix", [None, "p<"])
@pytest.mark.parametrize("auto_id", ["id_%s", ""])
def test_field_groups_and_labels_give_the_templates_html(data, prefix, auto_id):
    def html(renderer):
        form = EveryKindForm(data, prefix=prefix, auto_id=auto_id, renderer=renderer)
        form.is_valid() if data is not None else None
        return [form[name].as_field_group() for name in form.fields] + [
            form[name].label_tag() for name in form.fields
        ]

    assert html(BootstrapFormRenderer()) == html(FieldGroupsByTemplates())


@pytest.mark.django_db
@pytest.mark.parametrize("value", [None, "", "first", "many"])
def test_a_model_selects_cached_options_give_the_templates_html(value):
    """A model choice field's options come from its cached (value, label) pairs
    (`CachedModelChoiceIterator.plain_choices`), labels escaped as the template escapes."""
    from django.contrib.auth.models import Group

    from apps.core.choices import CachedModelChoiceIterator

    first = Group.objects.create(name="甲 <b>&'\"")
    second = Group.objects.create(name="乙 2021")
    values = {"first": first.pk, "many": [first.pk, second.pk]}

    class Form(StyledForm):
        one = forms.ModelChoiceField(queryset=Group.objects.order_by("pk"), required=False)
        some = forms.ModelMultipleChoiceField(queryset=Group.objects.order_by("pk"))

    for name in ("one", "some"):
        picked = values.get(value, value)
        if name == "one" and isinstance(picked, list):
            picked = picked[0]
        field = Form().fields[name]
        assert isinstance(field.widget.choices, CachedModelChoiceIterator)
        expected = field.widget.render("f", picked, renderer=DjangoTemplates())
        assert field.widget.render("f", picked, renderer=BootstrapFormRenderer()) == expected
        assert "甲 &lt;b&gt;&amp;&#x27;&quot;" in expected
