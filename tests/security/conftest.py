"""The public site's page tree of tests/cms, for the security tests of its public forms."""

from tests.cms.conftest import agenda, event, home  # noqa: F401
