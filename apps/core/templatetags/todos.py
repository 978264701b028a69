from django import template

from ..todos import todos

register = template.Library()


@register.simple_tag(takes_context=True)
def user_todos(context):
    """The signed-in user's to-dos (every registered provider) and their total count
    (the navigation's number), for the home section."""
    request = context.get("request")
    items = todos.for_user(request.user) if request is not None else []
    return {"items": items, "total": sum(item.count for item in items)}
