from django.conf import settings
from django.utils.translation import gettext_lazy as _

from articles.views.lists import absolute_url

SITE_DESCRIPTION = _(
    "News, events and organisations of China's optics industry clusters: "
    "Shangrao, Linhai and Duqiao, Danyang, Yujiang, Wuhan Optics Valley and more."
)


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_DESCRIPTION": SITE_DESCRIPTION,
        "canonical_url": absolute_url(request, request.path),
    }
