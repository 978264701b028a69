"""The handling chain (apps/consultation/handling.py): each step × every actor, once; the
department's scope; the subject rule; the reply letter; reopening for a second round."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from apps.consultation import handling
from apps.consultation.models import Referral, ReferralOpinion, ReferralRound
from apps.consultation.services import DocumentInput
from apps.core.uploads import check_document
from tests.consultation.factories import (
    ClosedReferralFactory,
    DepartmentAccountFactory,
    DepartmentFactory,
    ReferralFactory,
    RepliedReferralFactory,
    ReportSuggestionFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n"
DAY = datetime.date(2021, 8, 10)


def letter(name="复函.pdf", content=PDF) -> DocumentInput:
    upload = check_document(SimpleUploadedFile(name, content, content_type="application/pdf"))
    return DocumentInput(file=upload, name=upload.original_name, size=upload.size)


@pytest.fixture
def chain(users):
    """A referral led by `lead` with `co` co-handling; a user for each department and a
    third department's user; the role users of tests/consultation/conftest.py."""
    lead, co = DepartmentFactory(name="县发展和改革委员会"), DepartmentFactory(name="县财政局")
    referral = ReferralFactory(department=lead, co_departments=[co])
    actors = {
        **users,
        "lead_department": DepartmentAccountFactory(department=lead).user,
        "co_department": DepartmentAccountFactory(department=co).user,
        "other_department": DepartmentAccountFactory(department=DepartmentFactory()).user,
        "anonymous": AnonymousUser(),
    }
    return {"referral": referral, "lead": lead, "co": co, "actors": actors}


def refer(user, **kwargs):
    values = {
        "suggestion": ReportSuggestionFactory(),
        "department": DepartmentFactory(),
        "referred_on": datetime.date(2021, 7, 1),
        "due_on": datetime.date(2021, 8, 31),
        **kwargs,
    }
    return handling.referral_create(user=user, **values)


def reply(user, referral, **kwargs):
    values = {"text": "已研究落实。", "replied_on": DAY, "implementation": "A", **kwargs}
    return handling.referral_reply(referral=referral, user=user, **values)


def opinion(user, referral, **kwargs):
    values = {"text": "同意主办单位意见。", "given_on": DAY, **kwargs}
    return handling.referral_add_opinion(referral=referral, user=user, **values)


def close(user, referral, satisfaction="unsatisfied"):
    return handling.referral_close(
        referral=referral, user=user, satisfaction=satisfaction, closed_on=DAY
    )


def reopen(user, referral):
    return handling.referral_reopen(
        referral=referral,
        user=user,
        reopened_on=datetime.date(2021, 8, 20),
        due_on=datetime.date(2021, 9, 19),
        reason="委员不满意，请再研究。",
    )


# Who may make each step (the table in handling.py's docstring). Staff record a reply or
# an opinion on the department's behalf; the superuser holds every permission.
STAFF = {"staff", "superuser"}
RULES = {
    "refer": STAFF,
    "reply": STAFF | {"lead_department"},
    "opinion": STAFF | {"co_department"},
    "close": STAFF,
    "reopen": STAFF,
}
ACTORS = [
    "staff",
    "superuser",
    "leader",
    "office_head",
    "member",
    "lead_department",
    "co_department",
    "other_department",
    "anonymous",
]


def attempt(step, user, chain):
    """Run `step` on a referral in the state the step starts from; returns its result."""
    lead, co = chain["lead"], chain["co"]
    if step == "refer":
        return refer(user, department=lead)
    if step == "reply":
        return reply(user, chain["referral"])
    if step == "opinion":
        return opinion(user, chain["referral"], department=co)
    replied = RepliedReferralFactory(department=lead, co_departments=[co])
    if step == "close":
        return close(user, replied)
    closed = ClosedReferralFactory(
        department=lead, co_departments=[co], satisfaction=Referral.Satisfaction.UNSATISFIED
    )
    return reopen(user, closed)


CAN = {
    "refer": lambda user, r: handling.can_refer(user),
    "reply": handling.can_reply,
    "opinion": handling.can_add_opinion,
}


@pytest.mark.parametrize("step", list(RULES))
@pytest.mark.parametrize("who", ACTORS)
def test_who_may_make_each_step(chain, step, who):
    user = chain["actors"][who]
    if who not in RULES[step]:
        with pytest.raises(PermissionDenied):
            attempt(step, user, chain)
        if step in CAN:
            assert not CAN[step](user, chain["referral"])
        return
    if step in CAN:
        assert CAN[step](user, chain["referral"])
    result = attempt(step, user, chain)
    if step == "reply":
        assert result.reply_on_behalf is (who in STAFF)
        assert result.reply_recorded_by == user and result.state == Referral.State.REPLIED
    elif step == "opinion":
        assert result.department == chain["co"] and result.on_behalf is (who in STAFF)
    elif step == "close":
        assert result.state == Referral.State.CLOSED
    elif step == "reopen":
        assert result.state == Referral.State.REFERRED and result.round_number == 2


def test_a_department_acts_only_for_itself(chain):
    """The co-handling department cannot reply; the lead cannot give a co-handling
    opinion; a department cannot name another one to act for."""
    referral, actors = chain["referral"], chain["actors"]
    with pytest.raises(PermissionDenied):
        reply(actors["co_department"], referral)
    with pytest.raises(PermissionDenied):
        opinion(actors["lead_department"], referral)
    made = opinion(actors["co_department"], referral, department=DepartmentFactory())
    assert made.department == chain["co"] and not made.on_behalf
    # Given again: the department's opinion of this round is corrected, not doubled.
    opinion(actors["co_department"], referral, text="补充意见。")
    assert ReferralOpinion.objects.get().text == "补充意见。"
    # Staff must name a co-handling department.
    with pytest.raises(ValidationError) as error:
        opinion(actors["staff"], referral, department=chain["lead"])
    assert "department" in error.value.message_dict


def test_the_whole_chain_with_a_second_round(chain):
    referral, actors = chain["referral"], chain["actors"]
    staff, lead_user = actors["staff"], actors["lead_department"]
    reply(lead_user, referral, letter=letter())
    opinion(actors["co_department"], referral)
    referral.refresh_from_db()
    assert referral.reply_letter.name.endswith(".pdf") and referral.reply_letter_name == "复函.pdf"
    # Satisfied: closed for good.
    with pytest.raises(ValidationError):
        reopen(staff, referral)  # not closed yet
    close(staff, referral)
    # Closed: the department can no longer change its reply or opinion.
    with pytest.raises(ValidationError):
        reply(lead_user, referral)
    with pytest.raises(ValidationError):
        opinion(actors["co_department"], referral)
    first_letter = Referral.objects.get(pk=referral.pk).reply_letter.name
    reopened = reopen(staff, referral)
    assert reopened.round_number == 2 and reopened.due_on == datetime.date(2021, 9, 19)
    assert not reopened.replied_on and not reopened.reply_letter and not reopened.satisfaction
    kept = ReferralRound.objects.get(referral=referral)
    assert kept.number == 1 and kept.satisfaction == Referral.Satisfaction.UNSATISFIED
    assert kept.reply_letter.name == first_letter and kept.reopened_by == staff
    assert kept.reason == "委员不满意，请再研究。"
    assert kept.reply_letter.storage.exists(first_letter)  # the round keeps the file
    # Round 2: the department replies again; the round-1 opinion stays with round 1.
    reply(lead_user, reopened, text="重新研究后已解决。")
    opinion(actors["co_department"], reopened, text="第二轮意见。")
    assert ReferralOpinion.objects.filter(referral=referral).count() == 2
    close(staff, reopened)
    with pytest.raises(ValidationError):  # one more round only
        reopen(staff, reopened)


def test_only_an_unsatisfied_closing_is_reopened(chain):
    satisfied = ClosedReferralFactory(satisfaction=Referral.Satisfaction.SATISFIED)
    with pytest.raises(ValidationError):
        reopen(chain["actors"]["staff"], satisfied)


def test_reopening_refuses_a_second_open_referral_to_the_same_department(staff_user):
    closed = ClosedReferralFactory(satisfaction=Referral.Satisfaction.UNSATISFIED)
    ReferralFactory(suggestion=closed.suggestion, department=closed.department)
    with pytest.raises(ValidationError):
        reopen(staff_user, closed)


def test_a_referral_has_exactly_one_subject(staff_user):
    """The check constraint, on whichever database runs the tests (SQLite by default,
    PostgreSQL with DATABASE_URL)."""
    referral = ReferralFactory()
    assert referral.subject == referral.suggestion and referral.subject_field == "suggestion"
    assert Referral.subject_field_for(referral.suggestion) == "suggestion"
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(suggestion=None)
    with pytest.raises(ValidationError):
        Referral(
            department=referral.department,
            referred_on=datetime.date(2021, 7, 1),
            due_on=datetime.date(2021, 8, 1),
        ).full_clean()
    with pytest.raises(TypeError):
        handling.referral_create(
            user=staff_user,
            department=referral.department,
            referred_on=datetime.date(2021, 7, 1),
            due_on=datetime.date(2021, 8, 1),
        )


def test_due_soon_and_overdue_are_queryable():
    today = datetime.date(2021, 9, 1)
    overdue = ReferralFactory(due_on=datetime.date(2021, 8, 31))
    soon = ReferralFactory(due_on=datetime.date(2021, 9, 5))
    later = ReferralFactory(due_on=datetime.date(2021, 10, 30))
    RepliedReferralFactory(due_on=datetime.date(2021, 9, 2))
    assert list(Referral.objects.overdue(today)) == [overdue]
    assert list(Referral.objects.due_soon(today=today)) == [soon]
    assert set(Referral.objects.due_soon(days=60, today=today)) == {soon, later}


def test_a_user_acts_for_one_department_at_most(chain):
    user = chain["actors"]["lead_department"]
    with pytest.raises(IntegrityError), transaction.atomic():
        DepartmentAccountFactory(user=user, department=chain["co"])


def test_a_department_reads_only_its_own_referrals(chain):
    actors, referral = chain["actors"], chain["referral"]
    led_elsewhere = ReferralFactory(co_departments=[chain["lead"]])
    foreign = ReferralFactory()
    lead_sees = set(Referral.objects.for_user(actors["lead_department"]))
    assert lead_sees == {referral, led_elsewhere}
    assert set(Referral.objects.for_user(actors["co_department"])) == {referral}
    assert not Referral.objects.for_user(actors["other_department"]).exists()
    assert foreign in Referral.objects.for_user(actors["staff"])


# --- to-dos and notifications ---------------------------------------------------------------


def test_a_referral_is_announced_to_its_departments_and_waits_on_the_lead_only(chain):
    from apps.core.models import Notification
    from apps.core.todos import todos

    actors = chain["actors"]
    lead, co = chain["lead"], chain["co"]
    referral = refer(actors["staff"], department=lead, co_departments=[co])
    # Sent: the lead's and the co-handling department's users are told; nobody else.
    told = set(
        Notification.objects.filter(kind="referral_sent").values_list("recipient", flat=True)
    )
    assert told == {actors["lead_department"].pk, actors["co_department"].pk}
    # The reply waits on the lead department: both referrals led by it, the overdue first.
    items = [
        i for i in todos.for_user(actors["lead_department"], DAY) if i.kind == "referral_to_reply"
    ]
    assert {i.url for i in items} == {
        chain["referral"].get_handling_url(),
        referral.get_handling_url(),
    }
    assert [i.due for i in items] == sorted(i.due for i in items)
    for role in ("co_department", "other_department", "member", "office_head"):
        assert not [i for i in todos.for_user(actors[role], DAY) if i.kind == "referral_to_reply"]
    # Replied: off the lead's list.
    reply(actors["lead_department"], referral)
    items = [
        i for i in todos.for_user(actors["lead_department"], DAY) if i.kind == "referral_to_reply"
    ]
    assert [i.url for i in items] == [chain["referral"].get_handling_url()]
