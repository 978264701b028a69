"""Review findings on the venues app."""

import pytest
from django.urls import reverse

from apps.members.models import Member
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_editing_a_venue_keeps_its_archived_director_and_conveners(
    client_for, venue, office_head_user
):
    """A director or convener who has left (archived, or of an earlier term) stays on the
    venue until staff change them: the edit page shows them selected and saving another
    field keeps them, instead of clearing them without a word."""
    director = MemberFactory(name="郑前主任", status=Member.Status.ARCHIVED)
    convener = MemberFactory(name="冯前召集人", term=10)
    venue.director = director
    venue.save()
    venue.conveners.add(convener)
    client = client_for("staff_user")
    url = reverse("venues:update", args=[venue.pk])

    form = client.get(url).context["form"]
    assert director in form.fields["director"].queryset
    assert convener.pk in {pk for pk, _label in form.fields["conveners"].widget.choices}

    response = client.post(
        url,
        {
            "name": venue.name,
            "kind": "office",
            "township": venue.township_id,
            "address": "新地址",
            "director": director.pk,
            "conveners": [convener.pk],
            "managers": [office_head_user.pk],
            "sort_order": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    venue.refresh_from_db()
    assert venue.address == "新地址"
    assert venue.director == director
    assert list(venue.conveners.all()) == [convener]


def test_the_venue_and_station_forms_use_the_members_picker(client_for, venue):
    """One picker for every app: the members app's widget, its search URL and its
    script, with the stationed members offered before anything is typed."""
    from tests.venues.factories import AssignmentFactory

    stationed = MemberFactory(name="驻室委员")
    AssignmentFactory(venue=venue, member=stationed)
    MemberFactory(name="他处委员")
    client = client_for("staff_user")
    html = client.get(reverse("venues:update", args=[venue.pk])).content.decode()
    assert html.count("data-member-picker") == 2  # director and conveners
    assert 'data-url="/members/search/"' in html and "js/member-picker.js" in html
    assert f'<option value="{stationed.pk}">驻室委员' in html  # suggested to convene
    assert "他处委员" not in html
    html = client.get(reverse("venues:assignment_create", args=[venue.pk])).content.decode()
    assert "data-member-picker" in html and "js/member-picker.js" in html
    assert "他处委员" not in html  # the roster is searched, not listed
