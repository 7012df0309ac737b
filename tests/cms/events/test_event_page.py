"""The event page's own rules."""

import pytest
from django.core.exceptions import ValidationError

from tests.cms.pages import add_event


def test_an_event_ends_after_it_starts(agenda):
    with pytest.raises(ValidationError) as caught:
        add_event(agenda, hours=-1)
    assert "end" in caught.value.message_dict
