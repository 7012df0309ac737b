from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms import feeds
from cms import views as cms_views
from cms.events import feeds as event_feeds
from cms.events import views as event_views
from knowledge import feeds as knowledge_feeds
from portal.api import errors as api_errors
from portal.api.routes import api
from portal.members import views as members_views

urlpatterns = [
    # The admin's own sign-in and password reset pages are not throttled: the site's are, and ask for
    # the second factor. (WAGTAILADMIN_LOGIN_URL sends there too; these catch old bookmarks and bots.)
    path("admin/login/", members_views.admin_login_redirect),
    path("admin/password_reset/", members_views.admin_password_reset_redirect),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Choosing the interface language changes nothing on the server worth forging: without the
    # CSRF token in its form, every public page is the same for all visitors and can be cached.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("theme.css", cms_views.theme_css, name="theme_css"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    path("flux/actualites.rss", feeds.NewsFeed(), name="news_rss"),
    path("flux/actualites.atom", feeds.AtomNewsFeed(), name="news_atom"),
    path("flux/agenda.ics", event_feeds.upcoming_events_calendar, name="events_ical"),
    path("flux/axes/<slug:slug>/agenda.ics", event_feeds.axis_calendar, name="axis_ical"),
    path("flux/axes/<slug:slug>/actualites.rss", feeds.AxisNewsFeed(), name="axis_rss"),
    path("flux/clubs/<slug:slug>/agenda.ics", event_feeds.club_calendar, name="club_ical"),
    path("flux/clubs/<slug:slug>/actualites.rss", feeds.ClubNewsFeed(), name="club_rss"),
    path("flux/bonnes-pratiques.rss", knowledge_feeds.BestPracticesFeed(), name="best_practices_rss"),
    path("flux/agenda-personnel/<str:token>.ics", event_feeds.personal_calendar, name="personal_calendar_ics"),
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", api_errors.unknown_path),
    path("compte/jetons/", include("portal.api.urls")),
    path("compte/notifications/", include("workgroups.notification_urls")),
    path("compte/", include("portal.members.urls")),
    path("compte/", include("portal.members.account_urls")),
    path("annuaire/", include("cms.urls")),
    path("groupes/", include("workgroups.urls")),
    path("recherche/rapport/", include("search.insights.urls")),
    path("recherche/", include("search.urls")),
    path("vie-privee/", include("portal.privacy.urls")),
    path("lettres/", include("cms.newsletters.urls")),
    path("bonnes-pratiques/", include("knowledge.urls")),
    # The one-click results page of a club's survey is a Wagtail page: cms publishes it.
    path("clubs/enquetes/<int:survey_id>/page-du-site/", cms_views.survey_results_page, name="survey_results_page"),
    path("clubs/", include("portal.clubs.urls")),
    path("plans-d-action/", include("workgroups.plans.urls")),
    # A Bourse d'échanges goes on the agenda from its session's page: cms/events publishes it.
    path("bourse/sessions/<int:pk>/agenda/", event_views.exchange_session_publish, name="exchange_session_publish"),
    path("bourse/", include("knowledge.exchange.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree serves every other URL: keep it last.
urlpatterns += [path("", include(wagtail_urls))]
