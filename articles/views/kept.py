"""Values kept in the cache under the content version (docs/caching.md): facet counts,
list totals and page ids, story items, a place's surroundings, related candidates.

A kept value is never served after a change (the version is in its key) nor past the
next scheduled publication, take-down or midnight (``ContentState.seconds_left``). When
the cache does not answer, values are computed afresh: slower, never an error.
"""

import hashlib
import logging

from django.core.cache import cache

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
    cache read for all of them; ``compute(missing)`` returns ``{key: value}`` for the keys
    the cache did not have, which are then kept (one write)."""
    state = getattr(request, "content_state", None)
    if state is None:
        return compute(list(keys))
    names = {key: f"counts:{state.version}:{_digest(key)}" for key in keys}
    try:
        found = cache.get_many(list(names.values()))
    except Exception:  # noqa: BLE001 - as safe_cache_get
        logger.warning("cache get_many failed", exc_info=True)
        found = {}
    values = {key: found[name] for key, name in names.items() if name in found}
    missing = [key for key in keys if key not in values]
    if missing:
        computed = compute(missing)
        values.update(computed)
        seconds = state.seconds_left(COUNTS_SECONDS)
        if seconds:
            try:
                cache.set_many({names[key]: value for key, value in computed.items()}, seconds)
            except Exception:  # noqa: BLE001
                logger.warning("cache set_many failed", exc_info=True)
    return values


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
