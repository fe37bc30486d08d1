"""Logging: a request the client got wrong (a 4xx) is one line, not a traceback."""

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """Drop the traceback of django.request / django.security records about 4xx answers.

    Django logs every 400 (a bad page number, a malformed filter, a disallowed host) at
    WARNING with the exception that caused it; under a crawler that fills the log with
    tracebacks of nothing wrong on our side. The message, path and status stay.
    """

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and status < 500 or record.name.startswith("django.security"):
            record.exc_info = None
            record.exc_text = None
        return True
