"""The JSON search behind the member pickers, and the picker widget."""

import pytest
from django import forms
from django.urls import reverse

from apps.members.models import Member
from apps.members.widgets import MemberPicker, MemberPickerMultiple
from tests.members.factories import CpcMemberFactory, MemberFactory

pytestmark = pytest.mark.django_db
SEARCH = reverse("members:search")


def test_search_by_pinyin_initials_returns_id_and_text(client_for):
    zhang = MemberFactory(name="张三", member_no="11-001", sector__name="经济界")
    MemberFactory(name="李四")
    response = client_for("office_head_user").get(SEARCH, {"q": "zs"})
    assert response.json() == {"results": [{"id": zhang.pk, "text": "张三（11-001，经济界）"}]}


def test_search_is_limited_to_twenty_active_current_members(
    client_for, django_assert_max_num_queries
):
    MemberFactory.create_batch(25, name="张三")
    MemberFactory(name="张三", status=Member.Status.ARCHIVED, member_no="A1")
    MemberFactory(name="张三", term=10, member_no="A2")
    client = client_for("staff_user")
    # session, user, two permission queries, the search, the session save (3)
    with django_assert_max_num_queries(8):
        results = client.get(SEARCH, {"q": "张"}).json()["results"]
    assert len(results) == 20


def test_search_by_affiliation(client_for):
    cpc = CpcMemberFactory(name="张甲")
    other = MemberFactory(name="张乙")
    client = client_for("staff_user")
    assert [
        r["id"] for r in client.get(SEARCH, {"q": "zj", "affiliation": "cpc"}).json()["results"]
    ] == [cpc.pk]
    ids = [
        r["id"] for r in client.get(SEARCH, {"q": "张", "affiliation": "non_cpc"}).json()["results"]
    ]
    assert ids == [other.pk]


class PickerForm(forms.Form):
    one = forms.ModelChoiceField(queryset=Member.objects.all(), widget=MemberPicker())
    many = forms.ModelMultipleChoiceField(
        queryset=Member.objects.all(), widget=MemberPickerMultiple()
    )


def test_the_picker_renders_only_the_selected_members(django_assert_max_num_queries):
    chosen = MemberFactory(name="张三", member_no="11-001", sector__name="经济界")
    MemberFactory.create_batch(5)
    form = PickerForm(initial={"one": chosen.pk, "many": [chosen.pk]})
    with django_assert_max_num_queries(2):
        html = str(form["many"]) + str(form["one"])
    assert html.count("<option") == 3  # the selected one twice and the empty choice
    assert "data-member-picker" in html and f'data-url="{SEARCH}"' in html
    assert "张三（11-001，经济界）" in html
    assert "js/member-picker.js" in str(form.media)
    assert "tom-select.complete.min.js" in str(form.media)


def test_a_picked_member_validates():
    member = MemberFactory()
    form = PickerForm({"one": str(member.pk), "many": [str(member.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["many"][0] == member
