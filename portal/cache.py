"""Django's RedisCache with one Redis client per connection pool instead of one per call.

Django's ``RedisCacheClient.get_client()`` builds a new ``redis.Redis`` for every cache
operation, and redis-py 8 spends about a third of a millisecond in its constructor
(response callbacks, deprecation checks): measured, six cache reads cost a list page more
than its database queries. A ``redis.Redis`` is safe to share between threads (each
command takes a connection from the pool), so one per pool is kept.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    """``CACHE_URL=redis://…``: the shared cache of pages and counts."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
