from django.urls import path, re_path

from . import profile_views, views

urlpatterns = [
    path("dang-nhap/", views.login_page, name="login"),
    path("dang-xuat/", views.logout_page, name="logout"),
    path("ho-so/", profile_views.my_profile, name="my-profile"),
    path("sw.js", views.service_worker, name="reader-sw"),
    path("manifest.webmanifest", views.web_manifest, name="reader-manifest"),
    re_path(r"^r/(?P<name>[a-z]+\.js)$", views.shared_asset, name="reader-asset"),
    re_path(r"^(?P<route>(?:tim-kiem|chua-doc|xem-sau|gop-y)/)?$", views.shell, name="reader"),
]
