from tests.evidence.conftest import evidence_settings  # noqa: F401 - files go to a tmp dir
from tests.web.conftest import *  # noqa: F403 - the web fixtures (organisations, members, clients)
