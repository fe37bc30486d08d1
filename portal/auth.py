"""Sign-in: django-axes' lock-out, for the sign-ins a browser makes."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Axes' backend, except for ``authenticate()`` calls without a request.

    Every sign-in a browser makes (the admin's login form) passes its request and is
    checked against the lock-out. Code of our own that checks a password with no request
    (a management command, the test client's ``login()``) has nothing to lock out, and
    Axes would refuse it with an exception.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
