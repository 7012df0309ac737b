# The real SMTP sink of the newsletters' tests, for the e-mails of moved and cancelled dates.
from tests.cms.newsletters.conftest import smtp  # noqa: F401
