"""Logging and editing a session through the form: photos, suggestions, topics."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from apps.consultation import services
from apps.consultation.models import Referral, Session, SessionPhoto, Suggestion, Topic
from apps.consultation.services import SuggestionInput
from tests.consultation.factories import (
    PublishedSessionFactory,
    ReferralFactory,
    SessionFactory,
    SessionPhotoFactory,
    SuggestionFactory,
    TopicFactory,
    jpeg_bytes,
    jpeg_upload,
)
from tests.members.factories import MemberFactory
from tests.venues.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("consultation:create")


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def form_data(venue, topic=None, suggestions=("建议一", "建议二"), **overrides):
    data = {
        "venue": venue.pk,
        "topic": topic.pk if topic else "",
        "new_topic_title": "",
        "new_topic_category": "livelihood",
        "form": "on_site",
        "started_at": "2021-06-01T09:30",
        "place": "城关镇政府会议室",
        "departments": "县卫健委",
        "other_attendee_count": "5",
        "other_attendees": "群众代表",
        "minutes": "会议纪要全文",
        "suggestions-TOTAL_FORMS": str(len(suggestions)),
        "suggestions-INITIAL_FORMS": "0",
        "suggestions-MIN_NUM_FORMS": "0",
        "suggestions-MAX_NUM_FORMS": "1000",
    }
    for i, text in enumerate(suggestions):
        data[f"suggestions-{i}-text"] = text
        data[f"suggestions-{i}-category"] = "livelihood"
    data.update(overrides)
    return data


def gps_jpeg(name="现场.jpg") -> SimpleUploadedFile:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (33.0, 51.0, 0.0)})
    return SimpleUploadedFile(name, jpeg_bytes(size=(300, 200), exif=exif.tobytes()), "image/jpeg")


@pytest.fixture
def head(client_for, venue):
    return client_for("office_head_user")


def test_the_form_offers_only_the_users_venue_and_its_stationed_members(head, venue, other_venue):
    AssignmentFactory(venue=venue, member=MemberFactory(name="本室委员"))
    AssignmentFactory(venue=other_venue, member=MemberFactory(name="他室委员"))
    response = head.get(CREATE)
    form = response.context["form"]
    assert list(form.fields["venue"].queryset) == [venue]
    assert form.initial["venue"] == venue.pk
    html = response.content.decode()
    assert "本室委员" in html and "他室委员" not in html
    assert "data-member-picker" in html and 'data-url="/members/search/"' in html
    assert 'enctype="multipart/form-data"' in html


def test_an_office_head_logs_a_session_with_a_photo_and_two_suggestions(
    head, venue, office_head_user
):
    member = MemberFactory(name="参会委员")
    data = form_data(
        venue,
        new_topic_title="停车难",
        members=[member.pk],
        **{"suggestions-0-members": [member.pk]},
    )
    data["photos"] = [gps_jpeg()]
    response = head.post(CREATE, data)
    assert response.status_code == 302, response.context["form"].errors
    session = Session.objects.get()
    assert response["Location"] == session.get_absolute_url()
    assert session.state == Session.State.DRAFT and session.created_by == office_head_user
    assert session.topic.title == "停车难" and session.topic.year == 2021
    assert session.topic.category == Topic.Category.LIVELIHOOD
    assert list(session.members.all()) == [member]
    assert [s.text for s in session.suggestions.all()] == ["建议一", "建议二"]
    assert list(session.suggestions.first().members.all()) == [member]
    photo = session.photos.get()
    stored = Path(photo.image.path)
    assert stored.is_file() and Path(photo.thumbnail.path).is_file()
    assert str(stored).startswith(str(settings.MEDIA_ROOT))
    assert "现场" not in stored.name and len(stored.stem) == 32
    assert not Image.open(stored).getexif().get_ifd(0x8825)
    assert (photo.width, photo.height) == (300, 200)


def test_a_bad_photo_is_refused_in_chinese_and_the_rest_is_kept(head, venue):
    data = form_data(venue, new_topic_title="上学难")
    data["photos"] = [
        jpeg_upload("好照片.jpg"),
        SimpleUploadedFile("假照片.jpg", b"not an image", "image/jpeg"),
    ]
    response = head.post(CREATE, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "“假照片.jpg”不是 JPEG、PNG 或 WebP 格式的图片" in html
    assert "城关镇政府会议室" in html and "会议纪要全文" in html and "建议二" in html
    assert 'value="上学难"' in html
    assert not Session.objects.exists() and not Topic.objects.exists()
    assert media_files() == []


def test_a_form_sent_back_with_errors_still_offers_the_stationed_members(head, venue):
    # given: the members are read only when the form is shown again
    AssignmentFactory(venue=venue, member=MemberFactory(name="本室委员"))
    # when
    response = head.post(CREATE, form_data(venue, started_at="not a time"))
    # then
    assert response.status_code == 200 and response.context["form"].errors
    html = response.content.decode()
    # The session's picker, each suggestion's and the new suggestion row's template.
    assert html.count("本室委员") == 4


def test_an_oversized_photo_and_a_bomb_are_refused(head, venue, settings):
    from tests.core.test_uploads import png_header_only

    settings.UPLOAD_IMAGE_MAX_MB = 1
    data = form_data(venue, topic=TopicFactory())
    data["photos"] = [
        SimpleUploadedFile("大图.jpg", b"\xff\xd8" + b"0" * (1024 * 1024 + 1), "image/jpeg"),
        SimpleUploadedFile("炸弹.png", png_header_only(40000, 40000), "image/png"),
    ]
    response = head.post(CREATE, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["photos"]
    assert "“大图.jpg”超过 1 MB" in errors[0]
    assert "“炸弹.png”像素过多" in errors[1]
    assert not Session.objects.exists()


def test_a_topic_is_picked_or_typed(head, venue):
    topic = TopicFactory()
    neither = head.post(CREATE, form_data(venue))
    assert "请选择已有议题或新建议题" in neither.content.decode()
    both = head.post(CREATE, form_data(venue, topic=topic, new_topic_title="新的"))
    assert "二者只填其一" in both.content.decode()
    assert not Session.objects.exists()
    picked = head.post(CREATE, form_data(venue, topic=topic))
    assert picked.status_code == 302
    assert Session.objects.get().topic == topic


def test_closed_topics_are_not_offered(head, venue):
    TopicFactory(title="已完成议题", status=Topic.Status.DONE)
    TopicFactory(title="进行中议题")
    html = head.get(CREATE).content.decode()
    assert "进行中议题" in html and "已完成议题" not in html


@pytest.mark.parametrize("value", ["", "not a date", "1800-01-01T09:00", "2021-13-40T25:00"])
def test_bad_start_times_are_form_errors(head, venue, value):
    response = head.post(CREATE, form_data(venue, topic=TopicFactory(), started_at=value))
    assert response.status_code == 200
    assert "started_at" in response.context["form"].errors


def test_untouched_extra_suggestion_forms_are_ignored(head, venue):
    data = form_data(venue, topic=TopicFactory(), suggestions=("唯一建议", ""))
    data["suggestions-1-category"] = "other"  # the default: an untouched form
    assert head.post(CREATE, data).status_code == 302
    assert list(Suggestion.objects.values_list("text", flat=True)) == ["唯一建议"]


def test_a_started_suggestion_without_text_is_an_error(head, venue):
    data = form_data(venue, topic=TopicFactory(), suggestions=("唯一建议", ""))
    response = head.post(CREATE, data)
    assert response.status_code == 200
    assert response.context["formset"].errors[1] == {"text": ["这个字段是必填项。"]}
    assert not Session.objects.exists()


def test_edit_removes_a_photo_and_its_files_and_changes_suggestions(
    head, venue, django_capture_on_commit_callbacks
):
    session = SessionFactory(venue=venue)
    kept, removed = SessionPhotoFactory(session=session), SessionPhotoFactory(session=session)
    removed_files = [Path(removed.image.path), Path(removed.thumbnail.path)]
    kept_stored = (kept.image.name, Path(kept.image.path).read_bytes(), kept.thumbnail.name)
    first, second = SuggestionFactory(session=session), SuggestionFactory(session=session)
    data = form_data(venue, topic=session.topic, suggestions=())
    data.update(
        {
            "remove_photos": [removed.pk],
            "suggestions-TOTAL_FORMS": "3",
            "suggestions-INITIAL_FORMS": "2",
            "suggestions-0-id": first.pk,
            "suggestions-0-text": "修改后的建议",
            "suggestions-0-category": "ecology",
            "suggestions-1-id": second.pk,
            "suggestions-1-text": second.text,
            "suggestions-1-category": "other",
            "suggestions-1-DELETE": "on",
            "suggestions-2-text": "新增的建议",
            "suggestions-2-category": "other",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = head.post(reverse("consultation:update", args=[session.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    assert list(session.photos.all()) == [kept]
    assert not any(p.exists() for p in removed_files)
    assert Path(kept.image.path).exists()
    # The kept photo was processed once, at its upload: the save left its files alone.
    kept.refresh_from_db()
    assert (kept.image.name, Path(kept.image.path).read_bytes(), kept.thumbnail.name) == (
        kept_stored
    )
    assert sorted(session.suggestions.values_list("text", flat=True)) == [
        "修改后的建议",
        "新增的建议",
    ]


def test_a_photo_of_another_session_cannot_be_removed(head, venue):
    session = SessionFactory(venue=venue)
    foreign = SessionPhotoFactory()
    data = form_data(venue, topic=session.topic, remove_photos=[foreign.pk])
    response = head.post(reverse("consultation:update", args=[session.pk]), data)
    assert response.status_code == 200
    assert "remove_photos" in response.context["form"].errors
    assert SessionPhoto.objects.filter(pk=foreign.pk).exists()


def test_the_edit_form_keeps_selected_members_of_other_venues(head, venue):
    outsider = MemberFactory(name="外来委员")
    session = SessionFactory(venue=venue, members=[outsider])
    html = head.get(reverse("consultation:update", args=[session.pk])).content.decode()
    assert f'<option value="{outsider.pk}" selected>' in html


def test_photos_are_never_linked_from_media_url(client_for, venue):
    session = SessionFactory(venue=venue)
    SessionPhotoFactory(session=session)
    html = client_for("office_head_user").get(session.get_absolute_url()).content.decode()
    assert settings.MEDIA_URL not in html
    assert reverse("consultation:photo_thumbnail", args=[session.photos.get().pk]) in html
    # And nothing serves MEDIA_URL.
    photo = session.photos.get()
    assert client_for("staff_user").get(settings.MEDIA_URL + photo.image.name).status_code == 404


def test_the_checked_view_sends_the_image(client_for, venue):
    photo = SessionPhotoFactory(session=SessionFactory(venue=venue))
    response = client_for("office_head_user").get(photo.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (64, 48)
    thumb = client_for("office_head_user").get(photo.get_thumbnail_url())
    assert thumb["Cache-Control"] == "private, no-store"  # shared computers: never cached


def test_the_checked_view_hands_over_to_nginx_in_production(client_for, venue, settings):
    settings.USE_X_ACCEL_REDIRECT = True
    photo = SessionPhotoFactory(session=SessionFactory(venue=venue))
    response = client_for("office_head_user").get(photo.get_absolute_url())
    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.image.name}"
    assert response.content == b""
    assert client_for("other_office_head_user").get(photo.get_absolute_url()).status_code == 404


def _edit_data(session, referred, plain, delete_referred=True, delete_plain=False):
    data = form_data(session.venue, topic=session.topic, suggestions=(), minutes="改过的纪要")
    data.update(
        {
            "suggestions-TOTAL_FORMS": "2",
            "suggestions-INITIAL_FORMS": "2",
            "suggestions-0-id": referred.pk,
            "suggestions-0-text": "改过的已批转建议",
            "suggestions-0-category": "other",
            "suggestions-1-id": plain.pk,
            "suggestions-1-text": plain.text,
            "suggestions-1-category": "other",
        }
    )
    if delete_referred:
        data["suggestions-0-DELETE"] = "on"
    if delete_plain:
        data["suggestions-1-DELETE"] = "on"
    return data


@pytest.fixture
def referred_session(venue):
    session = PublishedSessionFactory(venue=venue, minutes="原纪要")
    referred = SuggestionFactory(session=session, text="已批转的建议")
    ReferralFactory(suggestion=referred)
    plain = SuggestionFactory(session=session, text="未批转的建议")
    return session, referred, plain


def test_a_referred_suggestion_offers_no_delete_box(client_for, referred_session):
    session, _referred, _plain = referred_session
    response = client_for("staff_user").get(reverse("consultation:update", args=[session.pk]))
    html = response.content.decode()
    assert 'name="suggestions-1-DELETE"' in html
    assert 'name="suggestions-0-DELETE"' not in html
    assert "已批转，不能删除" in html


def test_deleting_a_referred_suggestion_is_refused_next_to_its_row(client_for, referred_session):
    # given a published session with a referred suggestion and another one
    session, referred, plain = referred_session
    # when staff tick delete on the referred one (a crafted post: no box is offered)
    response = client_for("staff_user").post(
        reverse("consultation:update", args=[session.pk]),
        _edit_data(session, referred, plain, delete_plain=True),
    )
    # then the form comes back with the message on that row, what was typed kept
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.forms[0].non_field_errors() == ["该意见建议已批转，不能删除。"]
    assert not formset.forms[1].errors
    html = response.content.decode()
    assert "改过的已批转建议" in html and "改过的纪要" in html
    # and nothing is saved: neither the other deletion nor the session's changes
    session.refresh_from_db()
    assert session.minutes == "原纪要"
    assert set(session.suggestions.values_list("pk", flat=True)) == {referred.pk, plain.pk}
    assert Suggestion.objects.get(pk=referred.pk).text == "已批转的建议"


def test_a_suggestion_not_referred_is_still_deleted(client_for, referred_session):
    session, referred, plain = referred_session
    response = client_for("staff_user").post(
        reverse("consultation:update", args=[session.pk]),
        _edit_data(session, referred, plain, delete_referred=False, delete_plain=True),
    )
    assert response.status_code == 302
    assert list(session.suggestions.values_list("pk", flat=True)) == [referred.pk]


def test_the_service_refuses_deleting_a_referred_suggestion_and_saves_nothing(
    staff_user, referred_session
):
    session, referred, plain = referred_session
    session.minutes = "改过的纪要"
    with pytest.raises(ValidationError) as raised:
        services.session_save(
            session=session,
            user=staff_user,
            members=[],
            suggestions=[
                SuggestionInput(text=plain.text, pk=plain.pk, delete=True),
                SuggestionInput(text=referred.text, pk=referred.pk, delete=True),
            ],
        )
    assert raised.value.code == "referred"
    assert "已批转的建议" in raised.value.messages[0]
    session.refresh_from_db()
    assert session.minutes == "原纪要"
    assert session.suggestions.count() == 2 and Referral.objects.count() == 1


def test_the_view_shows_a_refusal_of_the_service(client_for, referred_session, monkeypatch):
    """Should the form's check be bypassed (a referral made meanwhile), the service's
    refusal is shown on the form, not a 500."""
    session, referred, plain = referred_session
    from apps.consultation.forms.sessions import BaseSuggestionFormSet

    monkeypatch.setattr(BaseSuggestionFormSet, "referred_ids", set())
    response = client_for("staff_user").post(
        reverse("consultation:update", args=[session.pk]), _edit_data(session, referred, plain)
    )
    assert response.status_code == 200
    assert "已批转" in " ".join(response.context["form"].non_field_errors())
    assert Suggestion.objects.filter(pk=referred.pk).exists()


def test_the_admin_refuses_deleting_a_referred_suggestion_too(client_for, referred_session):
    """The other delete path: the admin lists the referrals that keep it (no 500)."""
    _session, referred, _plain = referred_session
    url = reverse("admin:consultation_suggestion_delete", args=[referred.pk])
    client = client_for("superuser")
    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert Suggestion.objects.filter(pk=referred.pk).exists()


def test_saving_a_new_session_runs_a_fixed_number_of_queries(
    client_for, venue, other_venue, staff_user, django_assert_max_num_queries
):
    """What the bench's "session save" posts: 20 members, 2 suggestions, 3 photos and a
    new topic, by staff (every active venue, each with stationed members). The members
    stationed are only read to render the form; a new session's members, suggestions and
    photos are added without reading what it had. The history is what it was."""
    # given
    members = [
        AssignmentFactory(venue=place, member=MemberFactory()).member
        for place in (venue, other_venue)
        for _ in range(10)
    ]
    staff = client_for("staff_user")
    data = form_data(
        venue,
        new_topic_title="停车难",
        members=[m.pk for m in members],
        **{"suggestions-0-members": [members[0].pk], "suggestions-1-members": [members[1].pk]},
    )
    data["photos"] = [jpeg_upload(f"photo{i}.jpg", size=(800, 600)) for i in range(3)]
    # when
    with django_assert_max_num_queries(51):
        response = staff.post(CREATE, data)
    # then
    assert response.status_code == 302, response.context["form"].errors
    session = Session.objects.get()
    assert session.members.count() == 20 and session.photos.count() == 3
    first, second = session.suggestions.all()
    assert list(first.members.all()) == [members[0]] and list(second.members.all()) == [members[1]]
    assert {s.raised_on for s in (first, second)} == {session.held_on()}
    # The session's creation and its members' change; each suggestion's likewise; a row
    # per photo and for the new topic; the members in the last rows of each.
    assert [h.history_type for h in session.history.order_by("history_id")] == ["+", "~"]
    assert session.history.latest().members.count() == 20
    for suggestion in (first, second):
        assert suggestion.history.count() == 2
        assert suggestion.history.latest().members.count() == 1
    assert SessionPhoto.history.filter(session_id=session.pk).count() == 3
    assert session.topic.history.get().history_user == staff_user
    assert session.history.latest().history_user == staff_user
