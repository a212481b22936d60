"""Warnings sent once ever: the claim the daily jobs make before queueing a warning."""

import pytest
from django.db import transaction

from workflow.continuous.warnings import warning_claim, warnings_sent
from workflow.models import WarningSent


@pytest.mark.django_db
def test_a_warning_is_claimed_once_and_a_second_claim_is_refused():
    assert warning_claim(kind="dspt", key="app-1:2026-07-01", threshold=60) is True
    assert warning_claim(kind="dspt", key="app-1:2026-07-01", threshold=60) is False
    # Another threshold, key or kind is another warning.
    assert warning_claim(kind="dspt", key="app-1:2026-07-01", threshold=14) is True
    assert warning_claim(kind="dspt", key="app-1:2027-07-01", threshold=60) is True
    assert warning_claim(kind="certificate", key="app-1:2026-07-01", threshold=60) is True
    assert WarningSent.objects.count() == 4
    assert warnings_sent(kind="dspt", keys=["app-1:2026-07-01", "nothing"]) == {
        ("app-1:2026-07-01", 60),
        ("app-1:2026-07-01", 14),
    }


@pytest.mark.django_db
def test_a_refused_claim_leaves_the_callers_transaction_usable():
    with transaction.atomic():
        assert warning_claim(kind="dspt", key="k", threshold=14)
        assert not warning_claim(kind="dspt", key="k", threshold=14)
        assert warning_claim(kind="dspt", key="k", threshold=60)
    assert WarningSent.objects.count() == 2


@pytest.mark.django_db
def test_a_claim_rolled_back_with_its_transaction_can_be_made_again():
    with pytest.raises(RuntimeError), transaction.atomic():
        assert warning_claim(kind="dspt", key="k", threshold=14)
        raise RuntimeError("the emails could not be queued")
    assert not WarningSent.objects.exists()
    assert warning_claim(kind="dspt", key="k", threshold=14)
