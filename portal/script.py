"""简/繁: readers may read every public page in traditional characters.

Stories are stored in simplified characters. A reader who picks 繁 gets a cookie; the
middleware converts the page's text with OpenCC s2t on the way out (the admin is left
alone): text between tags and the attributes people read, never addresses, form values
or scripts. ``set_script`` sets or clears the cookie, and ``script_toggle`` gives
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

#: A page in pieces: comments, elements whose content is not text (script, style), tags,
#: and the text between them.
_PIECES = re.compile(
    r"(<!--.*?-->|<(script|style|textarea)\b[^>]*>.*?</\2\s*>|<[^>]*>)",
    re.DOTALL | re.IGNORECASE,
)
#: Attributes a reader reads (tooltips, image descriptions, labels); addresses, form values
#: and every other attribute stay byte for byte: a filter's hidden value must come back as
#: sent, and a link must lead where it led.
_TEXT_ATTRIBUTE = re.compile(r'(\s(?:title|alt|aria-label|placeholder)=")([^"]*)(")', re.IGNORECASE)
#: <meta> whose content is text shown in search results and link previews.
_TEXT_META = re.compile(
    r'(<meta\s+(?:name|property)="(?:description|og:title|og:description|og:site_name)"'
    r'\s+content=")([^"]*)(")',
    re.IGNORECASE,
)
#: Joins the text pieces for one call to OpenCC; a private-use character it leaves alone.
_JOIN = "\ue000"


def convert_outside_markers(html):
    """``html`` with its text in traditional characters; tags, addresses, form values,
    scripts and the text between keep-script markers unchanged."""
    parts = _KEEP.split(html)
    return "".join(part if i % 2 else _convert_text(part) for i, part in enumerate(parts))


def _convert_text(html):
    pieces = _PIECES.split(html)
    # split() with two groups: text, whole match, inner name, text, whole match, …
    texts, kinds = [], []
    for i, piece in enumerate(pieces):
        kind = i % 3
        if kind == 2:  # the element name inside a script/style match
            continue
        texts.append(piece or "")
        kinds.append("text" if kind == 0 else "markup")
    readable = [t if k == "text" else _tag_text(t) for t, k in zip(texts, kinds, strict=True)]
    converted = _convert_many(readable)
    out = []
    for original, kind, new in zip(texts, kinds, converted, strict=True):
        out.append(new if kind == "text" else _put_tag_text(original, new))
    return "".join(out)


def _tag_text(markup):
    """The readable attribute values of a tag, joined (converted together with the text)."""
    if markup.startswith("<!--") or markup[:7].lower() in ("<script", "<style ", "<style>"):
        return ""
    values = [m.group(2) for m in _TEXT_ATTRIBUTE.finditer(markup)]
    values += [m.group(2) for m in _TEXT_META.finditer(markup)]
    return _JOIN.join(values)


def _put_tag_text(markup, converted):
    if not converted:
        return markup
    values = iter(converted.split(_JOIN))

    def swap(match):
        return f"{match.group(1)}{next(values, match.group(2))}{match.group(3)}"

    markup = _TEXT_ATTRIBUTE.sub(swap, markup)
    return _TEXT_META.sub(swap, markup)


def _convert_many(texts):
    """OpenCC s2t over many strings in one call."""
    joined = to_traditional(_JOIN.join(texts))
    converted = joined.split(_JOIN)
    if len(converted) != len(texts):  # never seen; convert one by one rather than misplace
        return [to_traditional(text) for text in texts]
    return converted


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
