"""The 5x5 clinical risk matrix, every pair, exactly as issue 11 gives it."""

import pytest

from hazards.risk import RISK_LABELS, RISK_TAG_CLASSES, Likelihood, Severity, risk, risk_tag

V, H, M, L, VL = "Very High", "High", "Medium", "Low", "Very Low"
MIN, SIG, CON, MAJ, CAT = "Minor", "Significant", "Considerable", "Major", "Catastrophic"

# Written out pair by pair from the issue, not built from the module's table.
EXPECTED = [
    (V, MIN, 3), (V, SIG, 4), (V, CON, 4), (V, MAJ, 5), (V, CAT, 5),
    (H, MIN, 2), (H, SIG, 3), (H, CON, 3), (H, MAJ, 4), (H, CAT, 5),
    (M, MIN, 2), (M, SIG, 2), (M, CON, 3), (M, MAJ, 3), (M, CAT, 4),
    (L, MIN, 1), (L, SIG, 2), (L, CON, 2), (L, MAJ, 3), (L, CAT, 4),
    (VL, MIN, 1), (VL, SIG, 1), (VL, CON, 2), (VL, MAJ, 2), (VL, CAT, 3),
]  # fmt: skip


@pytest.mark.parametrize(("likelihood", "severity", "expected"), EXPECTED)
def test_each_of_the_25_pairs(likelihood, severity, expected):
    assert risk(Likelihood(likelihood), Severity(severity)) == expected
    assert risk(likelihood, severity) == expected


def test_the_table_covers_every_pair_once():
    assert len({(lk, sv) for lk, sv, _ in EXPECTED}) == 25
    assert {lk for lk, _, _ in EXPECTED} == {x.value for x in Likelihood}
    assert {sv for _, sv, _ in EXPECTED} == {x.value for x in Severity}


def test_every_risk_has_a_label_and_a_colour():
    for value in range(1, 6):
        tag = risk_tag(value)
        assert tag["text"].startswith(f"{value} ") and RISK_LABELS[value] in tag["text"]
        assert tag["classes"] == RISK_TAG_CLASSES[value]
    assert len(set(RISK_TAG_CLASSES.values())) == 5


def test_an_unknown_likelihood_or_severity_is_refused():
    with pytest.raises(ValueError):
        risk("Sometimes", MIN)
    with pytest.raises(ValueError):
        risk(V, "Bad")
