"""Site-wide pages: robots.txt, the favicon, and the error pages."""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control, never_cache

from articles.views.lists import absolute_url

logger = logging.getLogger(__name__)


def redirect_back(request):
    """A redirect to ``?next=`` when it is a page of this site, else to the front page."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target)


@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /i18n/",
        "Disallow: /language/",
        "Disallow: /script/",
        # Absolute, as the protocol asks (articles/sitemaps.py).
        f"Sitemap: {absolute_url(request, reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    return redirect(static("favicon.svg"), permanent=True)


def bad_request(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    return render(
        request,
        "400.html",
        {"message": message or gettext("The request was not understood.")},
        status=400,
    )


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


@never_cache
def healthz(request):
    """For load balancers: 200 when the database and the cache answer, else 503."""
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"} | {
        name: "ok" if fine else "down" for name, fine in checks.items()
    }
    return JsonResponse(body, status=200 if healthy else 503)


def _database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        logger.warning("healthz: the database does not answer", exc_info=True)
        return False


def _cache_answers():
    token = secrets.token_hex(8)
    try:
        cache.set("healthz", token, 30)
        return cache.get("healthz") == token
    except Exception:  # noqa: BLE001
        logger.warning("healthz: the cache does not answer", exc_info=True)
        return False
