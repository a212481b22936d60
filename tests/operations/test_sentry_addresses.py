"""What an error report says of the address it happened at: no query string, and no link's
token in the path (a followed /attest/<token> that failed would otherwise send it on)."""

from core.paths import REMOVED
from core.tokens import token_new
from operations.sentry import event_scrub


def test_a_token_in_the_path_is_removed_and_record_ids_kept():
    token = token_new()
    record = "0b9e4a52-7a0e-4b8c-9a53-5d2f1f0d6c11"
    for path, kept in (
        (f"/attest/{token}", f"/attest/{REMOVED}"),
        (f"/invitation/{token}", f"/invitation/{REMOVED}"),
        (f"/applications/{record}/answers", f"/applications/{record}/answers"),
    ):
        event = event_scrub(
            {"request": {"url": f"https://nir.example.nhs.uk{path}?next=/x#y", "method": "GET"}}
        )
        assert event["request"]["url"] == f"https://nir.example.nhs.uk{kept}"
        assert token not in str(event)
