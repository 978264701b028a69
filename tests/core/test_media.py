"""apps.core.media: files written in a rolled-back block are removed; a replaced or deleted
file goes after commit, and only when no row names it any more."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from apps.core.media import is_referenced, media_atomic, referenced_names
from apps.members.models import Member
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def photo(name="a.jpg") -> ContentFile:
    return ContentFile(b"JPEGDATA", name=name)


def exists(name: str) -> bool:
    return default_storage.exists(name)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_file_written_in_a_block_that_fails_is_removed(settings):
    member = MemberFactory()
    with pytest.raises(Boom), media_atomic():
        member.photo = photo()
        member.save()
        written = member.photo.name
        assert exists(written)
        raise Boom
    assert not exists(written)
    assert stored_files(settings) == []


def test_a_file_written_in_a_block_that_succeeds_is_kept():
    with media_atomic():
        member = MemberFactory(photo=photo())
    assert exists(member.photo.name)


def test_an_inner_block_hands_its_files_to_the_outer_one():
    # given: the inner save succeeds, the outer block fails later
    first, second = MemberFactory(), MemberFactory()
    with pytest.raises(Boom), media_atomic():
        with media_atomic():
            first.photo = photo()
            first.save()
        second.photo = photo()
        second.save()
        written = [first.photo.name, second.photo.name]
        raise Boom
    # then: both files go with the rolled-back rows
    assert not any(exists(name) for name in written)


def test_a_failed_inner_block_removes_only_its_own_files():
    first, second = MemberFactory(), MemberFactory()
    with media_atomic():
        first.photo = photo()
        first.save()
        with pytest.raises(Boom), media_atomic():
            second.photo = photo()
            second.save()
            inner = second.photo.name
            raise Boom
    assert exists(first.photo.name)
    assert not exists(inner)


def test_media_atomic_decorates_a_function():
    member = MemberFactory()

    @media_atomic
    def save_then_fail():
        member.photo = photo()
        member.save()
        save_then_fail.written = member.photo.name
        raise Boom

    with pytest.raises(Boom):
        save_then_fail()
    assert not exists(save_then_fail.written)


def test_the_rows_are_rolled_back_with_the_files():
    with pytest.raises(Boom), media_atomic():
        MemberFactory(name="回滚委员", photo=photo())
        raise Boom
    assert not Member.objects.filter(name="回滚委员").exists()


def test_a_replaced_file_goes_after_commit(django_capture_on_commit_callbacks):
    member = MemberFactory(photo=photo())
    other = MemberFactory(photo=photo())
    old = member.photo.name
    member = Member.objects.get(pk=member.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        member.photo = photo("new.jpg")
        member.save()
        assert exists(old)  # not before the commit
    assert len(callbacks) == 1
    assert not exists(old)
    assert exists(member.photo.name)
    assert exists(other.photo.name)


def test_a_cleared_file_goes_after_commit(django_capture_on_commit_callbacks):
    member = MemberFactory(photo=photo())
    old = member.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        member.photo = None
        member.save()
    assert not exists(old)


def test_a_replacement_that_rolls_back_keeps_the_old_file(django_capture_on_commit_callbacks):
    member = MemberFactory(photo=photo())
    old = member.photo.name
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        media_atomic(),
    ):
        member.photo = photo("new.jpg")
        member.save()
        new = member.photo.name
        raise Boom
    assert callbacks == []
    assert exists(old) and not exists(new)
    assert Member.objects.get(pk=member.pk).photo.name == old


def test_a_deleted_rows_file_goes_after_commit(django_capture_on_commit_callbacks):
    member, other = MemberFactory(photo=photo()), MemberFactory(photo=photo())
    name = member.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        member.delete()
    assert not exists(name)
    assert exists(other.photo.name)


def test_a_file_another_row_still_names_is_kept(django_capture_on_commit_callbacks):
    member = MemberFactory(photo=photo())
    name = member.photo.name
    MemberFactory(photo=name)  # shares the stored file, as report versions do
    assert is_referenced(name)
    with django_capture_on_commit_callbacks(execute=True):
        member.delete()
    assert exists(name)


def test_saving_without_changing_the_file_deletes_nothing(django_capture_on_commit_callbacks):
    member = MemberFactory(photo=photo())
    member = Member.objects.get(pk=member.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        member.note = "只改备注"
        member.save()
        Member.objects.only("pk", "name").get(pk=member.pk).save(update_fields=["name"])
    assert callbacks == []
    assert exists(member.photo.name)


def test_the_old_file_goes_when_the_transaction_commits(django_capture_on_commit_callbacks):
    member = MemberFactory(photo=photo())
    old = member.photo.name
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        member.photo = photo("b.jpg")
        member.save()
    assert not exists(old)


def test_referenced_names_lists_every_file_field():
    with_photo = MemberFactory(photo=photo())
    MemberFactory()
    assert with_photo.photo.name in referenced_names()
    assert "" not in referenced_names()
