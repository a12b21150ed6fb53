from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.publishing import views as publishing_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", include("cms.api.urls")),
    path("api/", include("cms.adoption.urls")),
    path("api/", include("cms.meetings.urls")),
    path("api/", include("cms.tasks.urls")),
    path("preview/", publishing_views.preview, name="preview"),
    path("preview/audio/<str:name>", publishing_views.preview_audio, name="preview-audio"),
    re_path(r"^u/(?P<path>.*)$", publishing_views.layer_file, name="layer-file"),
    re_path(r"^keys/(?P<name>signing\.pub)$", publishing_views.public_key, name="public-key"),
    path("", include("cms.reader.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("pages/", include(wagtail_urls)))
