from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("meetings", views.MeetingListView.as_view(), name="meetings"),
    path("meetings/materials", views.MaterialChoicesView.as_view(), name="materials"),
    path("meetings/rollup", views.RollupView.as_view(), name="rollup"),
    path("meetings/<int:pk>", views.MeetingDetailView.as_view(), name="meeting"),
    path("meetings/<int:pk>/cancel", views.MeetingCancelView.as_view(), name="cancel"),
    path("meetings/<int:pk>/response", views.MeetingResponseView.as_view(), name="response"),
    path("meetings/<int:pk>/attendance", views.AttendanceView.as_view(), name="attendance"),
    path("meetings/<int:pk>/minutes", views.MinutesView.as_view(), name="minutes"),
    path("meetings/<int:pk>/photos/<int:photo>", views.PhotoView.as_view(), name="photo"),
    path("meetings/<int:pk>/rating", views.RatingView.as_view(), name="rating"),
    path("push/key", views.PushKeyView.as_view(), name="push-key"),
    path("push/subscriptions", views.PushSubscriptionView.as_view(), name="push-subscriptions"),
    path("calendar/token", views.CalendarTokenView.as_view(), name="calendar-token"),
    path("calendar/<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar-feed"),
]
