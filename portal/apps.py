"""The project's admin: Django's, with the editors' room as its default site."""

from django.contrib.admin.apps import AdminConfig


class EditorsRoomConfig(AdminConfig):
    # The dashboard on the index page (articles/dashboard.py); every @admin.register and
    # admin.site, the project's and other apps' (django-axes), lands on this site.
    default_site = "articles.dashboard.EditorsRoom"
