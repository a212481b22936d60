"""The service's own settings: its pages and what it keeps, the questionnaire and the DSPT
deadline, the review target, attestation links, the JSON API and the assurance pack's key."""

from config.env import env, env_int, env_path
from config.settings.environment import BASE_DIR

# An attestation request's link lasts this many days (ADR 0038); the lead can send a new one.
ATTESTATION_LINK_DAYS = env_int("ATTESTATION_LINK_DAYS", 14)

# The service pages (issue 26): where people write to, and how long what the privacy notice
# lists is kept before the daily `retention_apply` removes it.
SERVICE_CONTACT_EMAIL = env("SERVICE_CONTACT_EMAIL", "nir-onboarding@nhs.example")
RETENTION_FEEDBACK_DAYS = env_int("RETENTION_FEEDBACK_DAYS", 730)
RETENTION_SPENT_LINKS_DAYS = env_int("RETENTION_SPENT_LINKS_DAYS", 90)

# The JSON API (ADR 0024): requests each personal API token may make a minute.
API_REQUESTS_PER_MINUTE = env_int("API_REQUESTS_PER_MINUTE", 120)

# The assurance pack's Ed25519 signing key (ADR 0026): PEM (PKCS #8), that PEM base64-encoded, or
# the raw 32-byte key base64-encoded. Required in production. Elsewhere, when empty, a
# development key is generated once into ASSURANCE_DEV_KEY_FILE and kept.
ASSURANCE_SIGNING_KEY = env("ASSURANCE_SIGNING_KEY", "")
ASSURANCE_DEV_KEY_FILE = env_path(
    "ASSURANCE_DEV_KEY_FILE", "var/dev-assurance-signing-key.pem", base=BASE_DIR
)

# The questionnaire: which definition new applications answer, and the DSPT deadline.
QUESTIONNAIRE_DIR = env_path("QUESTIONNAIRE_DIR", "questionnaire/definitions", base=BASE_DIR)
QUESTIONNAIRE_CURRENT = env("QUESTIONNAIRE_CURRENT", "stage2-v1.yaml")
DSPT_PUBLICATION_DEADLINE = env("DSPT_PUBLICATION_DEADLINE", "06-30")
# The published target for a Stage 2 decision, in working days (ADR 0016).
REVIEW_TARGET_WORKING_DAYS = env_int("REVIEW_TARGET_WORKING_DAYS", 10)
