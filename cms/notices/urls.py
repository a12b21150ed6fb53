from django.urls import path

from . import views, watch_views

app_name = "notices"

urlpatterns = [
    path("notices", views.NoticeListView.as_view(), name="notices"),
    path("notices/version", watch_views.NoticeVersionView.as_view(), name="version"),
    path("notices/sent", views.SentNoticesView.as_view(), name="sent"),
    path("notices/<int:pk>", views.NoticeDetailView.as_view(), name="notice"),
    path("notices/<int:pk>/seen", views.NoticeSeenView.as_view(), name="seen"),
    path("notices/<int:pk>/withdraw", views.NoticeWithdrawView.as_view(), name="withdraw"),
    path("notices/<int:pk>/rollup", views.NoticeRollupView.as_view(), name="rollup"),
    path("digests", views.DigestListView.as_view(), name="digests"),
    path("digests/<int:pk>", views.DigestDetailView.as_view(), name="digest"),
    path("digests/<int:pk>/audio", views.DigestAudioView.as_view(), name="digest-audio"),
    path("digests/<int:pk>/pdf", views.DigestPdfView.as_view(), name="digest-pdf"),
]
