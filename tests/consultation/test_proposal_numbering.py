"""Registration numbers stay unique when staff register at the same moment (PostgreSQL:
SQLite's test database serializes writers, so the race cannot happen there)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from apps.consultation import proposal_services as services
from apps.consultation.models import Proposal
from tests.consultation.factories import SubmittedProposalFactory


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's test database serializes writers"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_number_one_to_n(staff_user):
    proposals = [SubmittedProposalFactory() for _ in range(6)]
    barrier = threading.Barrier(len(proposals))
    errors: list = []

    def run(proposal):
        try:
            barrier.wait()
            services.proposal_register(proposal=proposal, user=staff_user)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    numbers = sorted(Proposal.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert set(Proposal.objects.values_list("state", flat=True)) == {"registered"}
