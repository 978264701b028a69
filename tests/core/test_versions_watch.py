"""The data version moves on every write of a counted table that reaches the database
through Django (`versions.watch_writes`): saves and deletes, but also `bulk_update`,
`QuerySet.update()`, raw SQL and role changes, none of which send a model signal. Sign-ins
(`last_login`), history rows and the bookkeeping tables leave it alone."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from apps.core import audit, versions
from apps.venues.models import Venue
from tests.accounts.factories import UserFactory
from tests.venues.factories import VenueFactory

pytestmark = pytest.mark.django_db(transaction=True)


def moves(write) -> bool:
    before = versions.data_version()
    write()
    return versions.data_version() != before


def test_writes_without_signals_move_the_version():
    venue = VenueFactory()
    assert moves(lambda: Venue.objects.filter(pk=venue.pk).update(name="改名"))
    venue.name = "再改"
    assert moves(lambda: Venue.objects.bulk_update([venue], ["name"]))
    table = Venue._meta.db_table

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET name = %s WHERE id = %s", ["三改", venue.pk])

    assert moves(raw)
    assert moves(lambda: Group.objects.filter(name="county_staff").update(name="county_staff"))
    assert moves(venue.delete)


def test_a_transaction_moves_it_once_when_it_commits_and_never_when_it_rolls_back():
    venue = VenueFactory()
    before = versions.data_version()
    with transaction.atomic():
        Venue.objects.filter(pk=venue.pk).update(name="甲")
        assert versions.wrote_in_transaction()
        assert versions.data_version() == before
    assert versions.data_version() == before + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        Venue.objects.filter(pk=venue.pk).update(name="乙")
        raise RuntimeError
    assert versions.data_version() == before + 1


def test_sign_ins_history_and_bookkeeping_leave_it_alone():
    user = UserFactory()
    assert not moves(
        lambda: type(user).objects.filter(pk=user.pk).update(last_login=timezone.now())
    )
    user.last_login = timezone.now()
    assert not moves(lambda: user.save(update_fields=["last_login"]))
    assert not moves(lambda: audit.record("export", user=user, target="名册"))
    assert moves(lambda: user.save(update_fields=["last_login", "full_name"]))
