"""The choice widgets rendered in Python (`apps.core.widget_html`) give exactly the HTML of
Django's templates, escaping included."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from apps.core.forms import BootstrapFormRenderer

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


def test_other_templates_go_to_the_engine():
    widget = forms.TextInput()
    assert widget.render("t", "<v>", renderer=BootstrapFormRenderer()) == widget.render(
        "t", "<v>", renderer=DjangoTemplates()
    )
