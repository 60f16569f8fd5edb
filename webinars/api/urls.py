"""The public JSON API, version 1 (read-only programme data), built with django-ninja.

django-ninja derives the OpenAPI 3 document from the typed schemas, so the document and
the validation can never disagree. Every error has one shape: ``{"detail", "errors"}``.
"""

from typing import Literal

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Path, Query, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status
from pydantic import Field

from webinars.core.errors import DomainError
from webinars.core.ratelimit import registration_over_limit
from webinars.programme import selectors
from webinars.registrations import selectors as registration_selectors
from webinars.registrations import services as registration_services
from webinars.registrations.forms import RegistrationForm

from . import library, serializers
from .schemas import ErrorOut, RegistrationIn, RegistrationOut, SeriesOut, WebinarDetailOut, WebinarOut

api = NinjaAPI(
    title="Museum Webinars API",
    version="1.0.0",
    description="Public programme of webinars for museum professionals. Read-only; no personal data.",
    urls_namespace="api-v1",
    docs_url=None,  # Swagger UI would load third-party assets; the OpenAPI document is enough.
    openapi_url="/openapi.json",
)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("query", "path", "body", "payload", "filters")]
        errors.setdefault(".".join(location) or "request", []).append(error.get("msg", "Invalid value."))
    return api.create_response(request, {"detail": "Invalid request.", "errors": errors}, status=400)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    """Every refusal of a domain rule, in the one error shape, with the error's status (400, 409...)."""
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": "Not found.", "errors": {}}, status=404)


class Pagination(PageNumberPagination):
    """``?page=N`` (1-based) and ``?page_size=`` up to 100; bad values answer 400."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=100)

    def __init__(self, **kwargs) -> None:
        super().__init__(page_size=50, max_page_size=100, **kwargs)


class WebinarFilters(Schema):
    when: Literal["upcoming", "past"] | None = None
    series: str | None = Field(None, max_length=120)
    language: str | None = Field(None, max_length=8)


# Database ids are 64-bit: a larger or non-positive one is refused (400) rather than looked up.
MAX_ID = 2**63 - 1


@api.get("/series/", response={200: list[SeriesOut], 400: ErrorOut}, tags=["series"], summary="All public series")
@paginate(Pagination)
def series_list(request: HttpRequest):
    return [serializers.series_dict(s) for s in selectors.series_public().prefetch_related("partners")]


@api.get("/webinars/", response={200: list[WebinarOut], 400: ErrorOut}, tags=["webinars"], summary="Public webinars")
@paginate(Pagination)
def webinar_list(request: HttpRequest, filters: Query[WebinarFilters]):
    queryset = selectors.webinar_filter(when=filters.when, series_slug=filters.series, language=filters.language)
    return _LazyDicts(queryset, serializers.webinar_dict)


@api.get(
    "/webinars/{webinar_id}/",
    response={200: WebinarDetailOut, 400: ErrorOut, 404: ErrorOut},
    tags=["webinars"],
    summary="One webinar with speakers and links",
)
def webinar_detail(request: HttpRequest, webinar_id: int = Path(..., ge=1, le=MAX_ID)):
    webinar = selectors.webinar_by_id(webinar_id)
    if webinar is None:
        raise Http404
    return serializers.webinar_detail_dict(webinar)


@api.post(
    "/webinars/{webinar_id}/registrations",
    response={202: RegistrationOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    tags=["registrations"],
    summary="Register for a webinar (no login)",
    description=(
        "202 with the same body for a new registration and for an address already registered (the answer never "
        "tells whether an address is registered or confirmed: the e-mail to the address says what happened, "
        "and a repeat e-mails the self-service link again); 400 with messages per field; 404 unknown webinar; "
        "409 when registration is closed or the webinar is past or cancelled."
    ),
)
def registration_create(request: HttpRequest, payload: RegistrationIn, webinar_id: int = Path(..., ge=1, le=MAX_ID)):
    webinar = registration_selectors.webinar_for_registering(webinar_id)
    if webinar is None:
        raise Http404
    if registration_over_limit(request):
        return Status(429, {"detail": "Too many registrations from this address; try again later.", "errors": {}})
    raw = payload.dict()
    answers = raw.pop("answers") or {}
    raw.update({f"q_{key}": value for key, value in answers.items()})
    form = RegistrationForm(raw, series=webinar.series)
    if not form.is_valid():
        errors = {("request" if field == "__all__" else field): [str(m) for m in messages] for field, messages in form.errors.items()}
        return Status(400, {"detail": "Invalid registration.", "errors": errors})
    # A closed webinar raises RegistrationClosed: answered 409 by ``domain_error``.
    registration_services.registration_create(webinar_id=webinar.pk, data=form.registration_data(), source="api", webinar=webinar)
    return Status(202, {"status": "received", "webinar": webinar.pk, "message": REGISTRATION_RECEIVED})


REGISTRATION_RECEIVED = "Thank you. An e-mail to the address tells what happens next (check the spam folder too)."


library.register(api, Pagination, error_schema=ErrorOut, max_id=MAX_ID)


class _LazyDicts:
    """A sliceable view of a queryset that serialises only the page actually returned."""

    def __init__(self, queryset, to_dict) -> None:
        self.queryset = queryset
        self.to_dict = to_dict

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if isinstance(item, slice):
            return [self.to_dict(obj) for obj in self.queryset[item]]
        return self.to_dict(self.queryset[item])


__all__ = ["api"]
