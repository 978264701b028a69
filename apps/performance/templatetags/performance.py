from django import template

from ..dashboard import evaluation_year

register = template.Library()


@register.simple_tag
def my_evaluation(user) -> dict:
    """The signed-in member's evaluation of the evaluated year: three queries."""
    from apps.members.models import Member

    from ..models import Evaluation

    member = Member.objects.filter(user=user).first() if user.is_authenticated else None
    year = evaluation_year()
    evaluation = (
        Evaluation.objects.filter(member=member, year=year).select_related("grade").first()
        if member
        else None
    )
    return {"member": member, "year": year, "evaluation": evaluation}


@register.simple_tag
def my_invitations(user):
    """The signed-in member's upcoming meetings and sessions and 列席 turns: six queries."""
    from ..signin.selectors import member_invitations

    return member_invitations(user)


@register.simple_tag
def my_office_scores(user) -> dict:
    """The office head's venues' score and rank of the latest scored year: three queries."""
    from ..office_selectors import my_office_scores as scores

    return scores(user)
