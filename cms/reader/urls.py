from django.urls import path

from . import views

urlpatterns = [
    path("dang-nhap/", views.login_page, name="login"),
    path("dang-xuat/", views.logout_page, name="logout"),
    path("", views.home, name="reader"),
]
