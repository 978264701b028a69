"""The one date rule (`apps.core.dates`) and the typed-number bounds (`apps.core.numbers`):
every date field of the domain carries the rule, every number people type a bound
checked in the form and in the database."""

import datetime
import io

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models
from django.utils import timezone, translation

from apps.core.dates import (
    BirthDateValidator,
    WorkDateValidator,
    WorkYearValidator,
    birth_date_bounds,
    work_date_bounds,
)
from apps.core.numbers import AtMost, FieldBoundConstraint

DATE_RULES = (WorkDateValidator, BirthDateValidator)

# Whole numbers the system sets itself (never typed): computed years, ranks, versions,
# image sizes, ids. Every other integer field of the domain must be bounded.
SYSTEM_SET_NUMBERS = {
    "consultation.SessionPhoto.width",
    "consultation.SessionPhoto.height",
    "consultation.OpinionPhoto.width",
    "consultation.OpinionPhoto.height",
    # The order of an item in its issue (set by `opinion_services.issue_compile`).
    "consultation.OpinionItem.issue_order",
    "consultation.Report.attachment_size",
    "consultation.Report.version",
    "consultation.ReportVersion.number",
    "consultation.ReportVersion.attachment_size",
    # The handling chain's rounds and letter sizes (bounded by `referral_round_in_range`).
    "consultation.Referral.round_number",
    "consultation.Referral.reply_letter_size",
    "consultation.ReferralOpinion.round_number",
    "consultation.ReferralRound.number",
    "performance.PointEntry.year",
    "performance.PointEntry.source_id",
    "core.SubmissionKey.object_id",
    "core.Notification.target_id",
    "core.Delivery.attempts",
    "performance.Evaluation.year",
    "performance.Evaluation.rank",
    # The office evaluation's derived lines and scores (office_scores.py).
    "performance.OfficeScoreLine.year",
    "performance.OfficeScoreLine.source_id",
    "performance.OfficeScore.year",
    "performance.OfficeScore.rank",
}


def domain_models():
    """Every model of the project's apps, without the history tables."""
    for model in apps.get_models():
        if not model.__module__.startswith("apps."):
            continue
        if model._meta.model_name.startswith("historical"):
            continue
        yield model


def test_every_date_and_datetime_field_of_the_domain_carries_the_one_rule():
    checked, missing = [], []
    for model in domain_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DateField):  # DateTimeField is a DateField
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                continue
            label = f"{model._meta.label}.{field.name}"
            checked.append(label)
            if not any(isinstance(v, DATE_RULES) for v in field.validators):
                missing.append(label)
    assert not missing, f"date fields without apps.core.dates' rule: {missing}"
    # The walk sees the fields of every app (it cannot pass by seeing none).
    assert {"members.Member.birth_date", "performance.Meeting.date"} <= set(checked)
    assert {"consultation.Session.started_at", "venues.Assignment.started_on"} <= set(checked)
    assert {"accounts.User.date_joined"} <= set(checked)
    assert len(checked) >= 29


def test_every_typed_whole_number_is_bounded_in_the_form_and_the_database():
    checked, missing = [], []
    for model in domain_models():
        constrained = {
            lookup.split("__")[0]
            for constraint in model._meta.constraints
            if isinstance(constraint, FieldBoundConstraint)
            for lookup, _value in constraint.condition.children
        }
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.IntegerField) or field.primary_key:
                continue
            label = f"{model._meta.label}.{field.name}"
            if label in SYSTEM_SET_NUMBERS:
                continue
            checked.append(label)
            bounded = any(isinstance(v, AtMost | WorkYearValidator) for v in field.validators)
            if not bounded or field.name not in constrained:
                missing.append(label)
    assert not missing, (
        f"typed numbers without AtMost/WorkYearValidator and a constraint: {missing}"
    )
    assert "consultation.Session.other_attendee_count" in checked
    assert "accounts.Unit.authorized_posts" in checked
    assert len(checked) >= 15


@time_machine.travel(datetime.datetime(2026, 11, 29, 12, tzinfo=datetime.UTC), tick=False)
def test_the_bounds_are_computed_at_validation_time():
    assert work_date_bounds() == (datetime.date(2000, 1, 1), datetime.date(2027, 12, 31))
    assert birth_date_bounds() == (datetime.date(1920, 1, 1), datetime.date(2008, 11, 29))
    with time_machine.travel(datetime.datetime(2030, 6, 1, 12, tzinfo=datetime.UTC)):
        assert work_date_bounds()[1] == datetime.date(2031, 12, 31)
        WorkDateValidator()(datetime.date(2031, 12, 31))


@pytest.mark.parametrize(
    "value",
    [datetime.date(1999, 12, 31), datetime.date(2999, 12, 31), datetime.date(1900, 1, 1)],
)
def test_work_dates_outside_the_era_are_refused_in_chinese(value):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        WorkDateValidator()(value)
    last = work_date_bounds()[1].isoformat()
    assert error.value.messages == [f"请输入 2000-01-01 至 {last} 之间的日期。"]


def test_work_dates_inside_the_era_pass_and_datetimes_count_by_their_local_date():
    validator = WorkDateValidator()
    validator(datetime.date(2000, 1, 1))
    validator(work_date_bounds()[1])
    validator(None)
    # 1999-12-31 16:30 UTC is 2000-01-01 00:30 in Beijing: inside.
    validator(datetime.datetime(1999, 12, 31, 16, 30, tzinfo=datetime.UTC))
    with pytest.raises(ValidationError):
        validator(datetime.datetime(1999, 12, 31, 15, 30, tzinfo=datetime.UTC))
    with pytest.raises(ValidationError):
        validator(work_date_bounds()[1] + datetime.timedelta(days=1))


def test_birth_dates_are_a_plausible_past_for_an_adult_member():
    validator = BirthDateValidator()
    validator(datetime.date(1920, 1, 1))
    validator(birth_date_bounds()[1])
    today = timezone.localdate()
    with translation.override("zh-hans"):
        for value in (datetime.date(1900, 1, 1), birth_date_bounds()[1] + datetime.timedelta(1)):
            with pytest.raises(ValidationError) as error:
                validator(value)
            assert "之间的出生日期" in error.value.messages[0]
        with pytest.raises(ValidationError) as error:
            validator(today + datetime.timedelta(days=1))
        assert error.value.messages == ["出生日期不能晚于今天。"]


def test_work_years_run_from_2000_to_next_year():
    validator = WorkYearValidator()
    next_year = timezone.localdate().year + 1
    validator(2000)
    validator(next_year)
    for bad in (1999, next_year + 1, 10**12):
        with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
            validator(bad)
        assert error.value.messages == [f"请输入 2000 年至 {next_year} 年之间的年份。"]


def test_the_validators_deconstruct_without_the_moving_bound():
    """Migrations hold no date: the bound moves with the calendar, not with a migration."""
    for validator in (WorkDateValidator(), BirthDateValidator(), WorkYearValidator()):
        path, args, kwargs = validator.deconstruct()
        assert path.startswith("apps.core.dates.") and args == () and kwargs == {}
    assert AtMost(9999).deconstruct() == ("apps.core.numbers.AtMost", (9999,), {})
    assert AtMost(9999) == AtMost(9999) != AtMost(99)


def test_at_most_speaks_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        AtMost(9999)(10**12)
    assert error.value.messages == ["请输入不大于 9999 的数。"]


def bounded_fields(model):
    for field in model._meta.concrete_fields:
        rules = [
            v for v in field.validators if isinstance(v, (*DATE_RULES, WorkYearValidator, AtMost))
        ]
        if rules:
            yield field, rules


@pytest.mark.django_db
def test_the_seed_passes_the_rules():
    """What `seed_xiangcheng` stores (2021's work, plausible birth dates) is within the
    date rule and the number bounds, so a seeded record saves through its form."""
    call_command("seed_xiangcheng", "--demo-users", stdout=io.StringIO())
    refused, seen = [], 0
    for model in domain_models():
        fields = list(bounded_fields(model))
        if not fields:
            continue
        names = [field.attname for field, _rules in fields]
        for row in model._base_manager.values("pk", *names).iterator():
            for field, rules in fields:
                value = row[field.attname]
                if value is None:
                    continue
                seen += 1
                for rule in rules:
                    try:
                        rule(value)
                    except ValidationError:
                        refused.append((model._meta.label, row["pk"], field.name, value))
    assert not refused
    assert seen > 1000
