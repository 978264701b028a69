"""Choice widgets rendered in Python: the same HTML as Django's widget templates, byte for
byte, without rendering one template per option.

Django renders a `<select>` through `select.html`, which includes `select_option.html`
once per option (and radio buttons and checkboxes through `multiple_input.html` and
`input_option.html`, twice per option). A filter form with a few selects of a hundred
options spent most of a list page's time there. `BootstrapFormRenderer.render` hands these
templates to the functions below; any other template (or a widget whose options use a
template of its own) is rendered by the template engine as before.
`tests/core/test_widget_html.py` compares the output with the templates'.

Escaping is the templates': `conditional_escape` of the value as `{{ … }}` renders it
(`localize` first, as the template engine does; `stringformat:'s'` is plain `str`).
"""

from __future__ import annotations

import html
from typing import Any

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
LABEL = "django/forms/label.html"
# The project's field group (`BootstrapFormRenderer.field_template_name`).
FIELD = "core/bs_field.html"
SELECT_OPTION = "django/forms/widgets/select_option.html"
MULTIPLE = {"django/forms/widgets/radio.html", "django/forms/widgets/checkbox_select.html"}
INPUT_OPTIONS = {
    "django/forms/widgets/radio_option.html",
    "django/forms/widgets/checkbox_option.html",
}


def _var(value: Any) -> str:
    """`{{ value }}`: localized, then escaped unless safe. A plain `str` (most labels) is
    what `localize` returns unchanged and `conditional_escape` escapes with `html.escape`
    (`django.utils.html.escape`): that path directly."""
    if type(value) is str:
        return html.escape(value)
    return str(conditional_escape(localize(value)))


def _str(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: `%s`, then escaped unless the value was safe."""
    if type(value) is str:
        return html.escape(value)
    text = str(value)
    return text if isinstance(value, SafeData) else html.escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    """`django/forms/widgets/attrs.html`."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_var(name)}" if value is True else f' {_var(name)}="{_str(value)}"')
    return "".join(parts)


def _options_use(widget: dict[str, Any], templates: set[str]) -> bool:
    return all(
        option["template_name"] in templates
        for _group, options, _index in widget["optgroups"]
        for option in options
    )


def render_select(widget: dict[str, Any]) -> str:
    """`select.html` with its `select_option.html` per option."""
    out = [f'<select name="{_var(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_var(group_name)}">')
        for option in options:
            out.append(
                f'\n  <option value="{_str(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_var(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _input_option(option: dict[str, Any]) -> str:
    """`radio_option.html` / `checkbox_option.html` (`input_option.html`, `input.html`)."""
    attrs = option["attrs"]
    value = option["value"]
    html = (
        f'<input type="{_var(option["type"])}" name="{_var(option["name"])}"'
        + (f' value="{_str(value)}"' if value is not None else "")
        + f"{_attrs(attrs)}>\n"
    )
    if option.get("wrap_label"):
        label_for = f' for="{_var(attrs["id"])}"' if attrs.get("id") else ""
        html = f"<label{label_for}>{html} {_var(option['label'])}</label>"
    return html + "\n\n"  # input_option.html's newline, then radio_option.html's


def render_multiple(widget: dict[str, Any]) -> str:
    """`radio.html` / `checkbox_select.html` (`multiple_input.html`, `input_option.html`)."""
    attrs = widget["attrs"]
    widget_id = attrs.get("id")
    out = ["<div"]
    if widget_id:
        out.append(f' id="{_var(widget_id)}"')
    if attrs.get("class"):
        out.append(f' class="{_var(attrs["class"])}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_var(group)}</label>")
        for option in options:
            out.append(f"<div>\n    {_input_option(option)}</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n")
    return "".join(out)


def options_html(widget: Any, value: Any) -> str:
    """The options of a `<select>` exactly as `render_select` writes them from Django's
    `optgroups()` (same selection rule: the first matching option, or every one when
    several may be selected), without building a dict per option first."""
    out = []
    has_selected = False
    multiple = widget.allow_multiple_selected
    choices = widget.choices
    # A model field's cached pairs (`choices.CachedModelChoiceIterator`): the same values
    # and labels without a `ModelChoiceIteratorValue` per option (written as `str(value)`).
    plain = getattr(choices, "plain_choices", None)
    for option_value, option_label in plain() if plain is not None else choices:
        if option_value is None:
            option_value = ""
        if isinstance(option_label, list | tuple):
            group: Any = option_value
            choices = option_label
            out.append(f'\n  <optgroup label="{_var(group)}">')
        else:
            group = None
            choices = [(option_value, option_label)]
        for subvalue, sublabel in choices:
            selected = (not has_selected or multiple) and str(subvalue) in value
            has_selected |= selected
            out.append(
                f'\n  <option value="{_str(subvalue)}"{" selected" if selected else ""}>'
                f"{_var(sublabel)}</option>\n"
            )
        if group is not None:
            out.append("\n  </optgroup>")
    return "".join(out)


class FastOptionsMixin:
    """A `Select` (or `SelectMultiple`) whose context carries its options as HTML
    (`options_html`) instead of Django's `optgroups` (a dict and an attrs copy per
    option): `render` below writes the same `<select>`. `StyledFormMixin` gives it to
    every select of the project's forms that uses Django's own templates."""

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        from django.forms.widgets import Widget

        context = Widget.get_context(self, name, value, attrs)  # type: ignore[arg-type]
        widget = context["widget"]
        if self.allow_multiple_selected:  # type: ignore[attr-defined]
            widget["attrs"]["multiple"] = True
        widget["options_html"] = options_html(self, widget["value"])
        # Django's templates (another renderer) still find the options they iterate.
        widget["optgroups"] = _Lazy(lambda: self.optgroups(name, widget["value"], attrs))  # type: ignore[attr-defined]
        return context


class _Lazy:
    """An iterable computed on first iteration."""

    def __init__(self, compute):
        self.compute = compute

    def __iter__(self):
        return iter(self.compute())


_FAST: dict[type, type] = {}


def use_fast_options(widget: Any) -> None:
    """Give `widget` (a `Select` rendered by Django's templates) `FastOptionsMixin`."""
    from django import forms

    cls = type(widget)
    if (
        not isinstance(widget, forms.Select)
        or isinstance(widget, FastOptionsMixin)
        or widget.template_name != SELECT
        or widget.option_template_name != SELECT_OPTION
        or cls.optgroups is not forms.Select.optgroups
        or cls.create_option is not forms.Select.create_option
        or cls.get_context is not forms.Select.get_context
    ):
        return
    if cls not in _FAST:
        _FAST[cls] = type(cls.__name__, (FastOptionsMixin, cls), {"__module__": cls.__module__})
    widget.__class__ = _FAST[cls]


def render_label(context: dict[str, Any]) -> str:
    """`django/forms/label.html` (`BoundField.label_tag`)."""
    label = _var(context["label"])
    if not context["use_tag"]:
        return label
    tag = _var(context["tag"])
    return f"<{tag}{_attrs(context['attrs'] or {})}>{label}</{tag}>"


def render_field_group(field: Any) -> str:
    """`core/bs_field.html` (`FIELD`): the label (or legend), the widget, the help text
    and the errors of one field (`BoundField.as_field_group`)."""
    out = []
    if field.use_fieldset:
        out.append("<fieldset>")
        if field.label:
            required = (
                ' <span class="text-danger" aria-hidden="true">*</span>'
                if field.field.required
                else ""
            )
            out.append(f'<legend class="form-label fs-6">{_var(field.label)}{required}</legend>')
    elif field.label:
        out.append(_var(field.label_tag()))
    out.append(f"\n{_var(field)}\n")
    if field.help_text:
        out.append(
            f'<div class="form-text" id="{_var(field.auto_id)}_helptext">{field.help_text}</div>'
        )
    out.append("\n")
    errors = field.errors
    if errors:
        messages = "".join(f"<div>{_var(error)}</div>" for error in errors)
        error_id = f"{_var(field.auto_id)}_error"
        out.append(f'<div class="invalid-feedback d-block" id="{error_id}">{messages}</div>')
    out.append("\n")
    if field.use_fieldset:
        out.append("</fieldset>")
    return "".join(out)


def render(template_name: str, context: dict[str, Any]) -> SafeString | None:
    """The HTML of a choice widget's template, a label or a field group (stripped, as
    the renderer strips), or None for another template."""
    if template_name == FIELD and context.keys() == {"field"}:
        return mark_safe(render_field_group(context["field"]).strip())  # escaped above
    if template_name == LABEL and "use_tag" in context:
        return mark_safe(render_label(context).strip())  # escaped above
    widget = context.get("widget")
    if not isinstance(widget, dict):
        return None
    if template_name == SELECT and "options_html" in widget:
        html = (
            f'<select name="{_var(widget["name"])}"{_attrs(widget["attrs"])}>'
            f"{widget['options_html']}\n</select>\n"
        )
        return mark_safe(html.strip())  # every value escaped in options_html
    if "optgroups" not in widget:
        return None
    if template_name == SELECT and _options_use(widget, {SELECT_OPTION}):
        return mark_safe(render_select(widget).strip())  # every value escaped above
    if template_name in MULTIPLE and _options_use(widget, INPUT_OPTIONS):
        return mark_safe(render_multiple(widget).strip())
    return None
