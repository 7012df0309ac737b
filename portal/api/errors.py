"""One JSON shape for every error of the API, in the visitor's language (French by default):

    {"error": {"code": "not_found", "message": "…", "fields": {"limit": "…"}}}

`code` is stable (scripts test it), `message` is for people, `fields` appears on 422 only."""

import logging

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import errors as ninja_errors

logger = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        self.status, self.code, self.message = status, code, message
        super().__init__(message)


def body(code: str, message: str, fields: dict | None = None) -> dict:
    error = {"code": code, "message": str(message)}
    if fields:
        error["fields"] = fields
    return {"error": error}


def response(status: int, code: str, message: str, fields: dict | None = None) -> JsonResponse:
    answer = JsonResponse(body(code, message, fields), status=status)
    if status == 401:
        answer["WWW-Authenticate"] = 'Bearer realm="api"'
    return answer


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: ("bad_request", _("The request is malformed.")),
        401: ("unauthorized", _("A valid personal token is required: it is missing, unknown or revoked.")),
        403: ("forbidden", _("Your token does not allow this.")),
        404: ("not_found", _("Nothing here, or nothing you may read.")),
        422: ("invalid", _("Some parameters are invalid.")),
        429: ("rate_limited", _("Too many requests: wait a little before trying again.")),
    }


def _field_name(location: list) -> str:
    # ninja gives ("query", "limit") or ("path", "slug"): keep the parameter's own name.
    parts = [str(part) for part in location[1:]] or [str(part) for part in location]
    return ".".join(parts)


def _field_message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return _("This parameter is required.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("The value is too small.")
    if kind in ("less_than_equal", "less_than"):
        return _("The value is too large.")
    if kind.startswith("int") or kind.startswith("float"):
        return _("A whole number is expected.")
    return _("This value is not valid.")


def install(api) -> None:
    def http_error(request, exc: ninja_errors.HttpError):
        if isinstance(exc, ApiError):
            return response(exc.status, exc.code, exc.message)
        code, message = _messages().get(exc.status_code, ("error", str(exc)))
        return response(exc.status_code, code, message)

    def validation_error(request, exc: ninja_errors.ValidationError):
        fields = {_field_name(list(error.get("loc", []))): _field_message(error) for error in exc.errors}
        code, message = _messages()[422]
        return response(422, code, message, fields)

    def not_found(request, exc):
        code, message = _messages()[404]
        return response(404, code, message)

    def api_error(request, exc: ApiError):
        return response(exc.status, exc.code, exc.message)

    def server_error(request, exc: Exception):
        logger.exception("API error on %s", request.path)
        return response(500, "server_error", _("The portal met an error; the team has been told."))

    api.add_exception_handler(Exception, server_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ninja_errors.HttpError, http_error)
    api.add_exception_handler(ninja_errors.ValidationError, validation_error)
    api.add_exception_handler(ApiError, api_error)


def unknown_path(request, rest: str = ""):
    """Django view for the /api/v1/ addresses no endpoint answers: the API's 404, not the site's page."""
    code, message = _messages()[404]
    return response(404, code, message)
