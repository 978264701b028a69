"""Model select options are cached under the data version (`apps.core.choices`): a new
record shows in the filters at once, and a second visit builds no option."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.consultation.factories import TopicFactory

SESSIONS = reverse("consultation:list")


@pytest.mark.django_db(transaction=True)
def test_a_new_topic_shows_in_the_filter_at_once(client_for):
    client = client_for("staff_user")
    TopicFactory(title="旧议题")
    client.get(SESSIONS)
    with CaptureQueriesContext(connection) as second:
        html = client.get(SESSIONS).content.decode()
    assert "旧议题" in html
    assert not [q for q in second.captured_queries if "consultation_topic" in q["sql"]]

    TopicFactory(title="新议题")  # committed: the version moves
    with CaptureQueriesContext(connection) as after_write:
        html = client.get(SESSIONS).content.decode()
    assert "新议题" in html and "旧议题" in html
    assert [q for q in after_write.captured_queries if "consultation_topic" in q["sql"]]


def test_inside_a_writing_transaction_the_options_are_read_afresh(client_for):
    client = client_for("staff_user")
    client.get(SESSIONS)
    TopicFactory(title="本事务新议题")
    assert "本事务新议题" in client.get(SESSIONS).content.decode()
