"""The interface language: 简体中文 first, English second, chosen with a link.

A plain link (not Django's POST form) so that public pages carry no CSRF token and no
cookie, and can be cached. The choice lives in Django's language cookie, which
LocaleMiddleware reads.
"""

from urllib.parse import quote

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language, gettext

from .views import redirect_back

LANGUAGE_NAMES = {"zh-hans": "简体中文", "en": "English"}
COOKIE_MAX_AGE = 365 * 24 * 3600


def set_language(request, code):
    """Remember the reader's interface language and go back to the page they were on."""
    if code not in dict(settings.LANGUAGES):
        raise Http404(gettext("No such language."))
    response = redirect_back(request)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=COOKIE_MAX_AGE, samesite="Lax")
    return response


def language_links(request):
    """Context processor: a link per language, the current one marked."""
    current = get_language()
    here = request.get_full_path()
    return {
        "language_links": [
            {
                "code": code,
                "name": LANGUAGE_NAMES.get(code, code),
                "url": reverse("set-language", args=[code]) + "?next=" + quote(here),
                "current": code == current,
            }
            for code in dict(settings.LANGUAGES)
        ]
    }
