from tests.web.conftest import *  # noqa: F403 - the web fixtures (organisations, members, clients)
