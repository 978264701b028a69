import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from apps.consultation.models import Session, SessionPhoto, Suggestion, Topic
from apps.core.uploads import process_image
from tests.venues.factories import VenueFactory


def jpeg_bytes(size=(64, 48), color=(200, 30, 30), exif=None) -> bytes:
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, color).save(out, format="JPEG", **kwargs)
    return out.getvalue()


def jpeg_upload(name="photo.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["year", "title"]

    title = factory.Sequence(lambda n: f"测试议题{n}")
    category = Topic.Category.LIVELIHOOD
    year = 2021


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    venue = factory.SubFactory(VenueFactory)
    topic = factory.SubFactory(TopicFactory)
    form = Session.Form.SYMPOSIUM
    started_at = factory.Sequence(
        lambda n: (
            datetime.datetime(2021, 6, 1, 9, 0, tzinfo=timezone.get_current_timezone())
            + datetime.timedelta(hours=n)
        )
    )
    place = "乡镇政府会议室"
    minutes = "会议围绕议题进行了协商。"
    state = Session.State.DRAFT

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class SubmittedSessionFactory(SessionFactory):
    state = Session.State.SUBMITTED
    submitted_at = factory.LazyAttribute(lambda o: o.started_at)


class PublishedSessionFactory(SubmittedSessionFactory):
    state = Session.State.PUBLISHED
    published_at = factory.LazyAttribute(lambda o: o.started_at)


class ReturnedSessionFactory(SubmittedSessionFactory):
    state = Session.State.RETURNED
    return_reason = "请补充纪要。"


class SuggestionFactory(DjangoModelFactory):
    class Meta:
        model = Suggestion

    session = factory.SubFactory(SessionFactory)
    text = factory.Sequence(lambda n: f"测试意见建议{n}")
    category = Suggestion.Category.LIVELIHOOD


class SessionPhotoFactory(DjangoModelFactory):
    class Meta:
        model = SessionPhoto
        exclude = ["processed"]

    session = factory.SubFactory(SessionFactory)
    processed = factory.LazyFunction(lambda: process_image(jpeg_upload()))
    image = factory.LazyAttribute(lambda o: o.processed)
    thumbnail = factory.LazyAttribute(lambda o: o.processed.thumbnail)
    width = factory.LazyAttribute(lambda o: o.processed.width)
    height = factory.LazyAttribute(lambda o: o.processed.height)
