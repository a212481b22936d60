from tests.evidence.conftest import (  # noqa: F401, E402 - files go to a tmp dir; a real test clamd
    clamd_address,
    evidence_settings,
    scanner,
)
from tests.web.conftest import *  # noqa: F403 - the web fixtures (organisations, members, clients)
