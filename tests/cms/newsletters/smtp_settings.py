"""Test settings for a separate process that must talk to the loopback SMTP server of a test."""

import os

from portal.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["TEST_SMTP_PORT"])
NEWSLETTER_SMTP_CONNECTIONS = int(os.environ.get("TEST_SMTP_CONNECTIONS", "4"))
