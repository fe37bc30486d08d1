import re

from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from .text import to_traditional

#: Longer query strings are not something a reader's browser builds from our pages.
MAX_QUERY_STRING = 4096


class RejectMalformedQueryMiddleware:
    """Answer 400 to requests no page of ours can produce.

    PostgreSQL refuses strings with NUL characters, so a ``%00`` in the path or the
    query string would otherwise surface as a database error (a 500) in whatever
    view passed it on to a lookup.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            return render(request, "400.html", {"message": problem}, status=400)
        return self.get_response(request)

    @staticmethod
    def problem(request):
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            return _("The address is too long.")
        if "\x00" in request.path:
            return _("The address contains a character that is not allowed.")
        for values in request.GET.lists():
            for value in (values[0], *values[1]):
                if "\x00" in value:
                    return _("The address contains a character that is not allowed.")
        return None


SCRIPT_COOKIE = "script"
TRADITIONAL = "hant"


#: Template text between these markers is left as written (the 简 of the toggle itself).
_KEEP = re.compile(r"(<!--keep-script-->.*?<!--/keep-script-->)", re.DOTALL)


def convert_outside_markers(html):
    parts = _KEEP.split(html)
    return "".join(part if i % 2 else to_traditional(part) for i, part in enumerate(parts))


class TraditionalScriptMiddleware:
    """Render public pages in traditional characters for readers who chose 繁.

    Stories are stored simplified; the reader's choice lives in a cookie and the
    whole page is converted with OpenCC s2t on the way out. The admin is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.script = (
            TRADITIONAL if request.COOKIES.get(SCRIPT_COOKIE) == TRADITIONAL else "hans"
        )
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
