"""简/繁: readers may read every public page in traditional characters.

Stories are stored in simplified characters. A reader who picks 繁 gets a cookie; the
middleware converts the whole page with OpenCC s2t on the way out (the admin is left
alone). ``set_script`` sets or clears the cookie, and ``script_toggle`` gives
templates/includes/script_toggle.html the link to the other script.
"""

import re
from urllib.parse import quote

from django.http import Http404
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, gettext_lazy

from articles.text import to_traditional

from .views import redirect_back

SCRIPT_COOKIE = "script"
SIMPLIFIED = "hans"
TRADITIONAL = "hant"
SCRIPTS = (SIMPLIFIED, TRADITIONAL)
COOKIE_MAX_AGE = 365 * 24 * 3600

#: Template text between these markers is left as written (the 简 of the toggle itself).
_KEEP = re.compile(r"(<!--keep-script-->.*?<!--/keep-script-->)", re.DOTALL)


def convert_outside_markers(html):
    parts = _KEEP.split(html)
    return "".join(part if i % 2 else to_traditional(part) for i, part in enumerate(parts))


def reader_script(request):
    """The script the reader chose: TRADITIONAL or SIMPLIFIED."""
    return TRADITIONAL if request.COOKIES.get(SCRIPT_COOKIE) == TRADITIONAL else SIMPLIFIED


class TraditionalScriptMiddleware:
    """Render public pages in traditional characters for readers who chose 繁."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.script = reader_script(request)
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            return response
        patch_vary_headers(response, ["Cookie"])
        if (
            request.script == TRADITIONAL
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
        ):
            html = response.content.decode(response.charset)
            html = convert_outside_markers(html).replace(
                '<html lang="zh-Hans">', '<html lang="zh-Hant">', 1
            )
            response.content = html.encode(response.charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


def set_script(request, script):
    """Remember the reader's choice of simplified or traditional characters."""
    if script not in SCRIPTS:
        raise Http404(gettext("No such script."))
    response = redirect_back(request)
    if script == TRADITIONAL:
        response.set_cookie(SCRIPT_COOKIE, TRADITIONAL, max_age=COOKIE_MAX_AGE, samesite="Lax")
    else:
        response.delete_cookie(SCRIPT_COOKIE, samesite="Lax")
    return response


#: The toggle shows the other script: (its label, its language tag, its title).
_TOGGLE = {
    TRADITIONAL: ("繁", "zh-Hant", gettext_lazy("Show traditional characters")),
    SIMPLIFIED: ("简", "zh-Hans", gettext_lazy("Show simplified characters")),
}


def script_toggle(request):
    """Context processor: the link to the script the reader is not reading."""
    other = SIMPLIFIED if getattr(request, "script", SIMPLIFIED) == TRADITIONAL else TRADITIONAL
    label, lang, title = _TOGGLE[other]
    url = reverse("set-script", args=[other]) + "?next=" + quote(request.get_full_path())
    return {"script_toggle": {"url": url, "label": label, "lang": lang, "title": title}}
