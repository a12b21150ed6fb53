"""URLconf the OpenAPI schema is generated from: only sotay's API (not Wagtail's admin API)."""

from django.urls import include, path

urlpatterns = [path("api/", include("cms.api.urls"))]
