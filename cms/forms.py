"""The admin's forms of the site's pages: what a page's editor may choose follows their scopes."""

from wagtail.admin.forms import WagtailAdminPageForm

from . import permissions


class ScopedPageForm(WagtailAdminPageForm):
    """A page form whose "thematic axis" offers only the editor's own axes (cms.permissions)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            permissions.narrow_page_axis_choice(self, self.for_user)
