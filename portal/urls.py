from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("compte/", include("portal.members.urls")),
    path("annuaire/", include("cms.urls")),
    path("groupes/", include("workgroups.urls")),
    path("recherche/", include("search.urls")),
    path("vie-privee/", include("portal.privacy.urls")),
    path("lettres/", include("cms.newsletters.urls")),
    path("bonnes-pratiques/", include("knowledge.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree serves every other URL: keep it last.
urlpatterns += [path("", include(wagtail_urls))]
