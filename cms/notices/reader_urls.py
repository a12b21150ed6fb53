from django.urls import path

from . import reader_views

app_name = "digest-pages"

urlpatterns = [
    path("<int:pk>/", reader_views.digest_page, name="digest"),
    path("<str:period>/", reader_views.my_digest_page, name="my-digest"),
]
