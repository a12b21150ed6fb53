from django.urls import path

from . import views

app_name = "adoption"

urlpatterns = [
    path("reports/adoption", views.AdoptionReportView.as_view(), name="report"),
]
