"""The editors' room: one module per domain; importing this package registers them on the
admin site, ``articles.dashboard.EditorsRoom`` (its header, title and dashboard)."""

from . import events, organisations, places, stories, topics  # noqa: F401 - they register
