from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("News")

    def ready(self):
        from . import invalidation  # noqa: PLC0415 - models are ready only now

        invalidation.connect(self)
