"""The wording a person agrees to for each purpose; the exact text is stored with each consent."""

from django.utils.translation import gettext_lazy as _

from .models import Purpose

WORDING = {
    Purpose.DIRECTORY: _(
        "I agree that my organisation appears in the public directory of members (name, kind, address, "
        "business park, website, description), on behalf of my organisation."
    ),
    Purpose.NEWSLETTER: _(
        "I agree to receive by e-mail the newsletters of the cluster, of its thematic axes and of my clubs. "
        "Each newsletter has a link to unsubscribe."
    ),
    Purpose.CONTACT: _(
        "I agree that my name and e-mail address are shown to signed-in members as the contact person of "
        "the best-practice records and workbooks of my organisation."
    ),
    Purpose.BOARD: _(
        "I agree that my name and my position (president, treasurer…) appear on the public page of the "
        "clubs whose board I sit on, for everyone to read."
    ),
}


def wording(purpose: str) -> str:
    return str(WORDING[purpose])
