"""Site-wide pages: robots.txt, the favicon, and the error pages."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control


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
