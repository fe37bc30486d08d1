"""Requests no page of ours can produce are answered 400 before any view runs."""

from django.shortcuts import render
from django.utils.translation import gettext

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
            return gettext("The address is too long.")
        if "\x00" in request.path:
            return gettext("The address contains a character that is not allowed.")
        for values in request.GET.lists():
            for value in (values[0], *values[1]):
                if "\x00" in value:
                    return gettext("The address contains a character that is not allowed.")
        return None
