from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded covers and logos; a proxy or object storage takes this over in production.
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler400 = "articles.views.bad_request"
handler404 = "articles.views.page_not_found"
handler500 = "articles.views.server_error"
