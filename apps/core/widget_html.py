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

from typing import Any

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
SELECT_OPTION = "django/forms/widgets/select_option.html"
MULTIPLE = {"django/forms/widgets/radio.html", "django/forms/widgets/checkbox_select.html"}
INPUT_OPTIONS = {
    "django/forms/widgets/radio_option.html",
    "django/forms/widgets/checkbox_option.html",
}


def _var(value: Any) -> str:
    """`{{ value }}`: localized, then escaped unless safe."""
    return str(conditional_escape(localize(value)))


def _str(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: `%s`, then escaped unless the value was safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else str(conditional_escape(text))


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


def render(template_name: str, context: dict[str, Any]) -> SafeString | None:
    """The HTML of a choice widget's template (stripped, as the renderer strips), or None
    for another template."""
    widget = context.get("widget")
    if not isinstance(widget, dict) or "optgroups" not in widget:
        return None
    if template_name == SELECT and _options_use(widget, {SELECT_OPTION}):
        return mark_safe(render_select(widget).strip())  # every value escaped above
    if template_name in MULTIPLE and _options_use(widget, INPUT_OPTIONS):
        return mark_safe(render_multiple(widget).strip())
    return None
