"""URLconf the OpenAPI schema is generated from: sotay's API endpoints only (not Wagtail's admin API)."""

from django.urls import include, path

urlpatterns = [
    path("api/", include("cms.api.urls")),
    path("api/", include("cms.adoption.urls")),
    path("api/", include("cms.meetings.urls")),
    path("api/", include("cms.tasks.urls")),
]
