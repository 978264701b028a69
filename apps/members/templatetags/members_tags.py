from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def own_member(context):
    """The member linked to the signed-in user, or None (one query, cached per request)."""
    from apps.members.views import own_member as lookup

    request = context.get("request")
    return lookup(request.user) if request is not None else None
