from tests.web.conftest import member, organisation, reviewer  # noqa: F401 - fixtures
