"""Values kept in the cache under the content version (docs/caching.md): facet counts,
list totals and page ids, story items, search highlights, related candidates, and what
the front, story, place and organisation pages and the events list show. A page reads
its values in as few cache requests as it can (``cached_each``, ``prefetch``).

A kept value is never served after a change (the version is in its key) nor past the
next scheduled publication, take-down or midnight (``ContentState.seconds_left``). When
the cache does not answer, values are computed afresh: slower, never an error.
"""

import hashlib
import logging

from django.core.cache import cache
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

#: The longest a value is kept (never past a change or a scheduled publication).
COUNTS_SECONDS = 3600


def cached(request, key, compute):
    """``compute()``, kept under the content version and ``key`` (a tuple of plain values).

    Without a content state on the request (a view called outside the middleware) it is
    simply computed.
    """
    return cached_each(request, {key: compute})[key]


def cached_each(request, computes):
    """``{key: value}`` for each of ``computes`` (``{key: function}``), kept like
    ``cached()``, all read in one cache request."""
    return cached_many(request, list(computes), lambda missing: {k: computes[k]() for k in missing})


def cached_many(request, keys, compute):
    """``{key: value}`` for ``keys`` (tuples of plain values), kept like ``cached()``: one
    cache read for all of them (none for those ``prefetch`` read); ``compute(missing)``
    returns ``{key: value}`` for the keys the cache did not have, which are then kept
    (one write)."""
    state = getattr(request, "content_state", None)
    if state is None:
        return compute(list(keys))
    memo = _memo(request)
    values = {key: memo[key] for key in keys if memo.get(key, _ABSENT) is not _ABSENT}
    unread = [key for key in keys if key not in memo]
    if unread:
        values.update(_read(state, unread))
    missing = [key for key in keys if key not in values]
    if missing:
        computed = compute(missing)
        values.update(computed)
        memo.update(computed)
        seconds = state.seconds_left(COUNTS_SECONDS)
        if seconds:
            try:
                cache.set_many({_name(state, key): v for key, v in computed.items()}, seconds)
            except Exception:  # noqa: BLE001
                logger.warning("cache set_many failed", exc_info=True)
    return values


def prefetch(request, keys):
    """Read the kept values of ``keys``, which the rest of the request will ask for, in one
    cache request: each later ``cached()`` of them then costs no round trip (a key not
    found is computed when it is asked for, as usual). A round trip to Redis costs about
    0.3 ms; a list page asks for six values at three places in the code."""
    state = getattr(request, "content_state", None)
    if state is None or not keys:
        return
    found = _read(state, keys)
    _memo(request).update({key: found.get(key, _ABSENT) for key in keys})


#: In a request's memo: read from the cache, not found there.
_ABSENT = object()


def _memo(request):
    """What this request has read or computed already: ``{key: value or _ABSENT}``."""
    try:
        return request._kept_values
    except AttributeError:
        request._kept_values = {}
        return request._kept_values


def _read(state, keys):
    """``{key: value}`` of ``keys`` found in the cache (nothing when it does not answer)."""
    names = {_name(state, key): key for key in keys}
    try:
        found = cache.get_many(list(names))
    except Exception:  # noqa: BLE001 - as safe_cache_get
        logger.warning("cache get_many failed", exc_info=True)
        return {}
    return {names[name]: value for name, value in found.items()}


def _name(state, key):
    return f"counts:{state.version}:{_digest(key)}"


def item_key(pk, heading="h3", compact=False):
    """The key story ``pk``'s list item parts are kept under, in the interface language
    (``article_items`` in articles/templatetags/portal.py; a view may ``prefetch`` the
    items it will show)."""
    return ("story-item", get_language(), pk, heading, compact)


def _digest(key):
    return hashlib.sha256(repr(key).encode()).hexdigest()


def safe_cache_get(key):
    """``cache.get(key)``, or None when the cache does not answer: pages are then made
    afresh (slower), never an error for the reader."""
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - Redis down, a timeout, a value that won't unpickle
        logger.warning("cache get failed for %s", key, exc_info=True)
        return None


def safe_cache_set(key, value, seconds):
    """``cache.set``; False when the cache does not answer."""
    try:
        cache.set(key, value, seconds)
    except Exception:  # noqa: BLE001
        logger.warning("cache set failed for %s", key, exc_info=True)
        return False
    return True
