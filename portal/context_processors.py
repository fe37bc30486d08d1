from django.conf import settings
from django.utils.translation import gettext_lazy as _

SITE_DESCRIPTION = _(
    "News, events and organisations of China's optics industry clusters: "
    "Shangrao, Linhai and Duqiao, Danyang, Yujiang, Wuhan Optics Valley and more."
)


def site(request):
    if settings.SITE_URL:
        canonical = settings.SITE_URL + request.path
    else:
        canonical = request.build_absolute_uri(request.path)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_DESCRIPTION": SITE_DESCRIPTION,
        "canonical_url": canonical,
    }
