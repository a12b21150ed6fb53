"""URLconf the OpenAPI schema is generated from: only sotay's API (not Wagtail's admin API).

Apps above the API (meetings) are named by string: the schema lists them, the API does not import them.
"""

from django.urls import include, path

urlpatterns = [path("api/", include("cms.api.urls")), path("api/", include("cms.meetings.urls"))]
