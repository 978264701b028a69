"""`{% personal member "phone" %}`: a member's personal field as the viewer may read it
(`apps.members.personal`), with a "show" button for holders of `view_member_personal`.
`{{ member.phone|masked:member }}`-style use: `{{ member|personal_field:"phone" }}` masks by
the rule without a button."""

from django import template
from django.template.loader import render_to_string

from apps.core import pagecache

from ..personal import may_reveal, personal_value, sees_unmasked

register = template.Library()


def _shown(context, member, field: str):
    """(the value as the viewer may read it, whether it is unmasked, the viewer). A page
    showing a member their own value is never kept (`pagecache.keep_out`)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    value = personal_value(member, field, user)
    unmasked = sees_unmasked(member, user)
    if value and unmasked:
        pagecache.keep_out(request)
    return value, unmasked, user


@register.simple_tag(takes_context=True)
def personal(context, member, field: str):
    value, unmasked, user = _shown(context, member, field)
    revealable = bool(value) and not unmasked and may_reveal(user)
    return render_to_string(
        "members/includes/personal_value.html",
        {"value": value, "member": member, "field": field, "revealable": revealable},
    )


@register.simple_tag(takes_context=True)
def personal_text(context, member, field: str) -> str:
    """The value as the viewer may read it, plain text (no button)."""
    return _shown(context, member, field)[0]
