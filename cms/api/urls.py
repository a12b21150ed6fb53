from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import account_views, docs, offline_views, views

app_name = "api"

urlpatterns = [
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", views.LogoutView.as_view(), name="logout"),
    path("me", views.MeView.as_view(), name="me"),
    path("me/profile", account_views.MyRecordView.as_view(), name="me-profile"),
    path("me/password", account_views.MyPasswordView.as_view(), name="me-password"),
    path("password-reset", views.PasswordResetView.as_view(), name="password-reset"),
    path("reset-codes", views.ResetCodeView.as_view(), name="reset-codes"),
    path("access", views.AccessView.as_view(), name="access"),
    path("receipts", views.ReceiptsView.as_view(), name="receipts"),
    path("search", views.SearchView.as_view(), name="search"),
    path("unread", views.UnreadView.as_view(), name="unread"),
    path("saved", views.SavedView.as_view(), name="saved"),
    path("feedback", views.FeedbackListView.as_view(), name="feedback"),
    path("feedback/<int:pk>", views.FeedbackDetailView.as_view(), name="feedback-detail"),
    path("feedback/<int:pk>/replies", views.FeedbackReplyView.as_view(), name="feedback-replies"),
    path("feedback/<int:pk>/close", views.FeedbackCloseView.as_view(), name="feedback-close"),
    path("feedback/<int:pk>/escalate", views.FeedbackEscalateView.as_view(), name="feedback-escalate"),
    path("feedback/<int:pk>/seen", views.FeedbackSeenView.as_view(), name="feedback-seen"),
    path("reports/pages/<int:page_id>", views.PageReportView.as_view(), name="page-report"),
    path("offline-items", offline_views.OfflineItemsView.as_view(), name="offline-items"),
    path("schema/", SpectacularAPIView.as_view(urlconf="cms.schema_urls"), name="schema"),
    path("docs/", docs.api_docs, name="docs"),
]
