"""Application references: readable, unguessable (drawn from a CSPRNG) and unique."""

import random
import re
import secrets
from collections import Counter
from itertools import cycle

import pytest
from django.db import IntegrityError, transaction

from applications import models
from applications.models import REFERENCE_ALPHABET, Application, new_reference
from applications.services import application_create

FORMAT = re.compile(r"^NIR-([0-9A-Z]{4})-([0-9A-Z]{4})-([0-9A-Z]{4})$")
CROCKFORD_WITHOUT_ILOU = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def test_the_alphabet_is_crockfords_base_32_without_i_l_o_and_u():
    assert len(REFERENCE_ALPHABET) == 32 == len(set(REFERENCE_ALPHABET))
    assert set(REFERENCE_ALPHABET) == CROCKFORD_WITHOUT_ILOU
    assert not set(REFERENCE_ALPHABET) & set("ILOU")


def test_references_have_the_format_and_use_the_whole_alphabet():
    references = [new_reference() for _ in range(2000)]
    characters = Counter()
    for reference in references:
        match = FORMAT.match(reference)
        assert match, reference
        chars = "".join(match.groups())
        assert set(chars) <= CROCKFORD_WITHOUT_ILOU, reference
        characters.update(chars)
    # 24,000 draws from 32 characters: every one appears (missing one has odds below 1e-300).
    assert set(characters) == CROCKFORD_WITHOUT_ILOU


def test_references_are_unique_over_many_draws():
    references = [new_reference() for _ in range(20_000)]
    assert len(set(references)) == len(references)


def test_each_character_is_drawn_from_the_operating_systems_csprng(monkeypatch):
    # `secrets.choice` is bound to a SystemRandom, which reads os.urandom.
    assert isinstance(secrets.choice.__self__, random.SystemRandom)
    draws = []
    scripted = cycle(REFERENCE_ALPHABET)

    def choice(alphabet):
        draws.append(alphabet)
        return next(scripted)

    monkeypatch.setattr(models.secrets, "choice", choice)
    # Every character of the reference is whatever the CSPRNG drew, in order, from the alphabet.
    assert new_reference() == "NIR-0123-4567-89AB"
    assert draws == [REFERENCE_ALPHABET] * 12


def test_characters_are_uniformly_distributed():
    """A chi-squared test on 60,000 characters: a biased or low-entropy source fails it."""
    counts = Counter("".join(new_reference()[4:].replace("-", "") for _ in range(5000)))
    expected = sum(counts.values()) / len(REFERENCE_ALPHABET)
    chi_squared = sum((counts[c] - expected) ** 2 / expected for c in REFERENCE_ALPHABET)
    # 31 degrees of freedom: above 90 happens by chance less than once in a hundred million runs.
    assert chi_squared < 90, chi_squared
    # And every position varies: a reference is not a fixed pattern with a few random places.
    positions = [{new_reference()[i] for _ in range(200)} for i in (4, 5, 6, 7, 9, 14, 17)]
    assert all(len(seen) > 16 for seen in positions)


def test_new_applications_get_distinct_references(member):
    applications = [application_create(actor=member, scope="both") for _ in range(25)]
    references = {a.reference for a in Application.objects.all()}
    assert len(references) == len(applications) == 25
    assert all(FORMAT.match(r) for r in references)


def test_the_database_refuses_a_duplicate_reference(member):
    first = application_create(actor=member, scope="both")
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            organisation=first.organisation,
            scope="both",
            created_by=member,
            reference=first.reference,
        )
    assert Application.objects.filter(reference=first.reference).count() == 1
