import pytest

from tests.members.factories import CpcMemberFactory, MemberFactory, PairingFactory


@pytest.fixture
def linked_cpc_member(member_user):
    """The CPC member linked to `member_user`, with one pairing."""
    member = CpcMemberFactory(name="张三", user=member_user)
    PairingFactory(cpc_member=member, partner=MemberFactory(name="李四"))
    return member


@pytest.fixture
def other_pairing(db):
    """A pairing of two members nobody in the fixtures is linked to."""
    return PairingFactory(
        cpc_member=CpcMemberFactory(name="王五"), partner=MemberFactory(name="赵六")
    )
