import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from apps.accounts import roles
from apps.consultation.models import (
    Department,
    DepartmentAccount,
    Instruction,
    OpinionCategory,
    OpinionIssue,
    OpinionItem,
    Proposal,
    ProposalCategory,
    ProposalSigner,
    Referral,
    Report,
    ReportVersion,
    ResearchProject,
    Session,
    SessionPhoto,
    Suggestion,
    Topic,
)
from apps.core.uploads import process_image
from tests.accounts.factories import UnitFactory, UserFactory
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
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory)
    text = factory.Sequence(lambda n: f"测试意见建议{n}")
    category = Suggestion.Category.LIVELIHOOD

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


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


class ResearchProjectFactory(DjangoModelFactory):
    class Meta:
        model = ResearchProject
        skip_postgeneration_save = True

    topic = factory.SubFactory(TopicFactory, category=Topic.Category.CENTRAL_WORK)
    title = factory.Sequence(lambda n: f"关于测试工作的调研{n}")
    lead_unit = factory.SubFactory(UnitFactory, name="经济委员会")
    planned_start = datetime.date(2021, 3, 1)
    planned_end = datetime.date(2021, 6, 30)
    status = ResearchProject.Status.DONE

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        if create and extracted:
            self.team.set(extracted)


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report
        skip_postgeneration_save = True

    project = factory.SubFactory(ResearchProjectFactory)
    title = factory.Sequence(lambda n: f"测试调研报告{n}")
    submitted_on = datetime.date(2021, 6, 20)
    body = "调研报告正文。"

    @factory.post_generation
    def first_version(self, create, extracted, **kwargs):
        if create:
            ReportVersion.objects.create(report=self, number=1, title=self.title, body=self.body)


class InstructionFactory(DjangoModelFactory):
    class Meta:
        model = Instruction

    report = factory.SubFactory(ReportFactory)
    leader_name = "李振华"
    leader_title = "县委书记"
    instructed_on = factory.LazyAttribute(
        lambda o: o.report.submitted_on + datetime.timedelta(days=5)
    )
    text = "请有关部门认真研究落实。"


class ReportSuggestionFactory(SuggestionFactory):
    session = None
    report = factory.SubFactory(ReportFactory)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"县测试局{n}")
    contact_person = "王主任"


class ReferralFactory(DjangoModelFactory):
    """Referred on 2021-07-01, due 2021-08-31, awaiting a reply."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    suggestion = factory.SubFactory(ReportSuggestionFactory)
    department = factory.SubFactory(DepartmentFactory)
    referred_on = datetime.date(2021, 7, 1)
    due_on = datetime.date(2021, 8, 31)

    @factory.post_generation
    def co_departments(self, create, extracted, **kwargs):
        if create and extracted:
            self.co_departments.set(extracted)


class RepliedReferralFactory(ReferralFactory):
    reply_text = "已研究落实。"
    replied_on = datetime.date(2021, 8, 1)
    implementation = Referral.Implementation.SOLVED


class ClosedReferralFactory(RepliedReferralFactory):
    closed_on = datetime.date(2021, 8, 15)
    satisfaction = Referral.Satisfaction.SATISFIED


class DepartmentAccountFactory(DjangoModelFactory):
    """A user of the `department` role acting for a department."""

    class Meta:
        model = DepartmentAccount

    user = factory.SubFactory(UserFactory, roles=[roles.DEPARTMENT])
    department = factory.SubFactory(DepartmentFactory)


class ProposalCategoryFactory(DjangoModelFactory):
    class Meta:
        model = ProposalCategory
        django_get_or_create = ["name"]

    name = "社会事业"


class ProposalFactory(DjangoModelFactory):
    """A draft individual proposal of the 11th term's first plenary sitting (2021)."""

    class Meta:
        model = Proposal

    term = 11
    year = 2021
    sitting = 1
    title = factory.Sequence(lambda n: f"关于测试事项{n}的提案")
    background = "案据：问题较为突出。"
    measures = "建议：加强统筹。"
    category = factory.SubFactory(ProposalCategoryFactory)
    kind = Proposal.Kind.INDIVIDUAL
    proposer = factory.SubFactory("tests.members.factories.MemberFactory")


class SubmittedProposalFactory(ProposalFactory):
    state = Proposal.State.SUBMITTED
    submitted_on = datetime.date(2021, 1, 12)


class ProposalSignerFactory(DjangoModelFactory):
    class Meta:
        model = ProposalSigner

    proposal = factory.SubFactory(ProposalFactory, kind=Proposal.Kind.JOINT)
    member = factory.SubFactory("tests.members.factories.MemberFactory")


class OpinionCategoryFactory(DjangoModelFactory):
    class Meta:
        model = OpinionCategory
        django_get_or_create = ["name"]

    name = "民生保障"


class OpinionItemFactory(DjangoModelFactory):
    """A member's draft 社情民意 item."""

    class Meta:
        model = OpinionItem

    title = factory.Sequence(lambda n: f"关于测试问题{n}的建议")
    situation = "群众反映问题较为集中。"
    analysis = "原因是投入不足。"
    suggestion = "建议加大投入。"
    category = factory.SubFactory(OpinionCategoryFactory)
    member = factory.SubFactory("tests.members.factories.MemberFactory")


class SubmittedOpinionFactory(OpinionItemFactory):
    state = OpinionItem.State.SUBMITTED
    submitted_on = datetime.date(2021, 5, 10)


class AdoptedOpinionFactory(SubmittedOpinionFactory):
    state = OpinionItem.State.ADOPTED
    reviewed_on = datetime.date(2021, 5, 15)


class OfficeOpinionFactory(SubmittedOpinionFactory):
    """Reported by a liaison office for residents (give `venue`)."""

    member = None
    venue = factory.SubFactory(VenueFactory)
    township = factory.LazyAttribute(lambda o: o.venue.township)


class OpinionIssueFactory(DjangoModelFactory):
    class Meta:
        model = OpinionIssue

    year = 2021
    number = factory.Sequence(lambda n: n + 1)
    compiled_on = datetime.date(2021, 6, 1)
    recipients = "县委、县政府、市政协"
