"""Logs every download of a file of personal data by someone signed in (admin CSV/XLSX exports,
attendance sheets, a person's data downloaded by an administrator), without the exporting apps
having to know about it. A person's download of their own data and the document library are not
logged: they are not someone else's personal data."""

from django.urls import reverse

from . import services

NOT_LOGGED_PREFIXES = ("/documents/",)


class ExportAccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        user = getattr(request, "user", None)
        if (
            disposition.lower().startswith("attachment")
            and response.status_code == 200
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(NOT_LOGGED_PREFIXES)
            and request.path != reverse("privacy:download")
            and not getattr(response, "privacy_logged", False)
        ):
            filename = disposition.partition("filename=")[2].strip('"; ')
            services.export_access_log(by=user, path=request.get_full_path(), filename=filename)
        return response
