"""党组成员联系界别: the page by member and by sector; staff add and remove links."""

import pytest
from django.urls import reverse

from apps.members.models import SectorLink
from tests.members.factories import (
    CpcMemberFactory,
    PartyGroupMemberFactory,
    SectorFactory,
    SectorLinkFactory,
)

pytestmark = pytest.mark.django_db
PAGE = reverse("members:sector_links")


def test_links_are_listed_by_member_and_by_sector(client_for):
    chair = PartyGroupMemberFactory(name="主席甲")
    vice = PartyGroupMemberFactory(name="副主席乙")
    education, health, religion = (
        SectorFactory(name="教育界"),
        SectorFactory(name="医药卫生界"),
        SectorFactory(name="宗教界"),
    )
    SectorLinkFactory(party_member=chair, sector=education)
    SectorLinkFactory(party_member=chair, sector=health)
    SectorLinkFactory(party_member=vice, sector=health)
    response = client_for("leader_user").get(PAGE)
    by_member = {
        m.name: [link.sector.name for link in m.sector_links.all()]
        for m in response.context["party_members"]
    }
    assert by_member == {"主席甲": ["教育界", "医药卫生界"], "副主席乙": ["医药卫生界"]}
    by_sector = {
        s.name: sorted(link.party_member.name for link in s.links.all())
        for s in response.context["sectors"]
    }
    assert by_sector["医药卫生界"] == ["主席甲", "副主席乙"]
    assert {s.name for s in response.context["unlinked"]} == {religion.name, "中共"}
    html = response.content.decode()
    assert "无人联系" in html
    assert "添加联系" not in html  # leaders read only


def test_staff_add_and_remove_a_link(client_for):
    chair = PartyGroupMemberFactory(name="主席甲")
    sector = SectorFactory(name="教育界")
    client = client_for("staff_user")
    response = client.post(
        reverse("members:sector_link_create"), {"party_member": chair.pk, "sector": sector.pk}
    )
    assert response.status_code == 302
    link = SectorLink.objects.get()
    assert link.term == 11
    again = client.post(
        reverse("members:sector_link_create"), {"party_member": chair.pk, "sector": sector.pk}
    )
    assert again.status_code == 400
    assert "该党组成员已联系此界别" in again.content.decode()
    client.post(reverse("members:sector_link_delete", args=[link.pk]))
    assert not SectorLink.objects.exists()


def test_only_party_group_members_can_be_chosen(client_for):
    plain = CpcMemberFactory(name="普通党员")
    sector = SectorFactory(name="教育界")
    response = client_for("staff_user").post(
        reverse("members:sector_link_create"), {"party_member": plain.pk, "sector": sector.pk}
    )
    assert response.status_code == 400
    assert not SectorLink.objects.exists()


def test_model_clean_refuses_a_member_outside_the_party_group():
    from django.core.exceptions import ValidationError

    link = SectorLink(party_member=CpcMemberFactory(), sector=SectorFactory(), term=11)
    with pytest.raises(ValidationError) as error:
        link.full_clean()
    assert "党组成员" in str(error.value)
