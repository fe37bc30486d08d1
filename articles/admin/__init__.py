"""The editors' room: one module per domain; importing this package registers them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import events, organisations, places, stories, topics  # noqa: F401 - they register

admin.site.site_header = _("Optics industry news: editors' room")
admin.site.site_title = _("Editors' room")
admin.site.index_title = _("Stories, events and organisations")
