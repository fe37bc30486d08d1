"""The page cache: whole pages for anonymous readers, shared by every worker and server.

Keyed by the content version, the path with its query string, the language and the
script (简/繁), so a change to anything readers see makes every cached page stale at once
(articles/invalidation.py), and no page outlives the next scheduled publication or the
next midnight (``ContentState.seconds_left``). Stored in Django's default cache: Redis
when ``CACHE_URL`` names it, local memory otherwise. ``PAGE_CACHE_SECONDS`` is the
longest a page is kept; 0 turns the cache off. See docs/caching.md.

Never cached: requests with a session cookie (staff, previews), anything but GET and
HEAD, the admin, responses other than 200, responses that set a cookie or say
``private``/``no-store``/``no-cache``.
"""

import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_from_request

from articles.models import ContentVersion
from articles.views.kept import safe_cache_get, safe_cache_set

from .script import reader_script

#: Paths never looked up: the editors' room, and the health check (which must answer
#: even when the database, read for every cached page, does not).
UNCACHED_PREFIXES = ("/admin/", "/healthz")

#: Cache-Control directives that keep a response out of the page cache.
_NOT_SHARED = ("private", "no-store", "no-cache")


def content_state(request):
    """The content version for this request, read at most once (also used by views)."""
    state = getattr(request, "content_state", None)
    if state is None:
        state = request.content_state = ContentVersion.current()
    return state


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not self.cacheable_request(request):
            request.content_state = SimpleLazyObject(ContentVersion.current)
            return self.get_response(request)
        state = content_state(request)
        key = self.key(request, state.version)
        stored = safe_cache_get(key)
        if stored is not None:
            return self.rebuild(stored)
        response = self.get_response(request)
        if request.method == "GET" and self.cacheable_response(response):
            keep = state.seconds_left(seconds)
            if keep and safe_cache_set(key, self.freeze(response), keep):
                response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def cacheable_request(request):
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(UNCACHED_PREFIXES)
        )

    @staticmethod
    def cacheable_response(response):
        cache_control = response.get("Cache-Control", "").lower()
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in cache_control for word in _NOT_SHARED)
        )

    @staticmethod
    def key(request, version):
        language = get_language_from_request(request)
        script = reader_script(request)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        return f"page:{version}:{language}:{script}:{path}"

    @staticmethod
    def freeze(response):
        return (response.status_code, list(response.items()), response.content)

    @staticmethod
    def rebuild(stored):
        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return response
