"""Accounts' URLs in the authorisation matrix: signing in and out, one's account, the
organisation's members and invitations, and password reset.
__init__.py joins them, with the other areas', into the matrix's one table."""

from tests.web.matrix_urls.roles import APPLICANT, EVERYONE, MEMBERS, SIGNED_IN

# Signing in and out, and one's account.
SIGN_IN = {
    "accounts:sign_in": ("/sign-in", ["GET", "POST"], EVERYONE, True),
    # Sign-in through NHS CIS2 or Entra ID (ADR 0042): off in the matrix's settings, where no
    # provider is configured, so a 404 for everyone; served against a stand-in provider in
    # tests/accounts/test_oidc_*.py.
    "accounts:provider_sign_in": ("/sign-in/cis2", ["POST"], set(), True),
    "accounts:provider_callback": ("/sign-in/entra/callback", ["GET"], set(), True),
    "accounts:sign_out": ("/sign-out", ["POST"], SIGNED_IN, False),
    "accounts:signed_out": ("/signed-out", ["GET"], EVERYONE, True),
    "accounts:session_keep_alive": ("/session/keep-alive", ["POST"], SIGNED_IN, False),
    "accounts:account": ("/account", ["GET"], SIGNED_IN, False),
}

ORGANISATION = {
    # Organisations and members (ADR 0011): every member sees their organisation's members; only
    # its onboarding leads (member_a and member_b are, each of their own) manage them, and only
    # their own organisation's (a member left out is tests/accounts/test_members.py's).
    "accounts:members": ("/organisation/members", ["GET"], MEMBERS, False),
    "accounts:invite": ("/organisation/members/invite", ["GET", "POST"], MEMBERS, False),
    # Who can attest the organisation's answers (ADR 0012): its onboarding leads.
    "accounts:attestation_rule": (
        "/organisation/attestations",
        ["GET", "POST"],
        MEMBERS,
        False,
    ),
    "accounts:member_remove": (
        "/organisation/members/{membership}/remove",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "accounts:lead_hand_over": (
        "/organisation/members/{membership}/hand-over-lead",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "accounts:invitation_resend": (
        "/organisation/invitations/{invitation}/resend",
        ["POST"],
        APPLICANT,
        False,
    ),
    "accounts:invitation_revoke": (
        "/organisation/invitations/{invitation}/revoke",
        ["POST"],
        APPLICANT,
        False,
    ),
    # The invitation's link is anyone's who has it; accepting needs the link followed first.
    "accounts:invitation_link": ("/invitation/{invite_token}", ["GET"], EVERYONE, True),
    "accounts:invitation_accept": ("/invitation/accept", ["GET", "POST"], set(), True),
}

PASSWORD_RESET = {
    # Password reset: asking is open to all; the new password needs the link followed first.
    "accounts:password_reset": ("/password-reset", ["GET", "POST"], EVERYONE, True),
    "accounts:password_reset_link": (
        "/password-reset/link/{reset_token}",
        ["GET"],
        EVERYONE,
        True,
    ),
    "accounts:password_reset_new": ("/password-reset/new-password", ["GET", "POST"], set(), True),
}
