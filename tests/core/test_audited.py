"""The shared audit fields (`apps.core.models.Audited`): each model keeps the fields it
records, with its own labels, after its own fields, and no migration is needed."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from apps.core.models import Audited
from apps.members.models import ContactRecord
from apps.performance.models import Evaluation, PointEntry


def _audit(model) -> dict[str, str]:
    with translation.override("en"):
        return {
            f.name: str(f.verbose_name)
            for f in model._meta.get_fields()
            if f.name in {"created_by", "created_at", "updated_at"}
        }


def test_each_model_keeps_its_audit_fields_and_labels():
    assert _audit(ContactRecord) == {"created_by": "recorded by"}
    assert _audit(PointEntry) == {"created_by": "recorded by", "created_at": "recorded at"}
    assert _audit(Evaluation) == {"updated_at": "updated at"}
    assert all(issubclass(m, Audited) for m in (ContactRecord, PointEntry, Evaluation))
    # The historical models copy the labels too.
    assert _audit(ContactRecord.history.model) == {"created_by": "recorded by"}


def test_the_audit_fields_come_after_the_models_own():
    names = [f.name for f in PointEntry._meta.concrete_fields]
    assert names[-2:] == ["created_by", "created_at"]
    assert [f.name for f in ContactRecord._meta.concrete_fields][-1] == "created_by"


@pytest.mark.django_db
def test_no_migration_is_missing():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
