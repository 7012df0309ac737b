"""What the public site holds about people (messages of the contact form), for the privacy app
(portal/privacy/registry.py). Event registrations: cms/events/privacy.py."""

from django.utils.translation import gettext_lazy

from portal.privacy import registry


def purge_contact_messages(cutoff) -> int:
    """Messages sent through the contact pages: kept long enough to answer them, then deleted."""
    from wagtail.contrib.forms.models import FormSubmission

    return FormSubmission.objects.filter(submit_time__lt=cutoff).delete()[0]


def register() -> None:
    registry.register_processing(
        "contact_messages",
        title=gettext_lazy("Messages sent through the contact form"),
        purpose=gettext_lazy("Answering the people who write to the cluster."),
        legal_basis=gettext_lazy("Legitimate interest (answering a request)"),
        data=[gettext_lazy("the fields of the form"), gettext_lazy("date")],
        retention=gettext_lazy("counted from the sending of the message"),
        retention_setting="contact_messages",
        order=45,
    )
    registry.register_purge(
        "contact_messages", label=gettext_lazy("Messages sent through the contact form"),
        retention_setting="contact_messages", purge=purge_contact_messages,
    )  # fmt: skip
