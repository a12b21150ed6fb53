from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("tasks", views.TaskListView.as_view(), name="tasks"),
    path("tasks/mine", views.MyWorkView.as_view(), name="my-work"),
    path("tasks/members", views.UnitMembersView.as_view(), name="members"),
    path("tasks/late", views.LateView.as_view(), name="late"),
    path("tasks/<int:pk>", views.TaskDetailView.as_view(), name="task"),
    path("tasks/<int:pk>/cancel", views.TaskCancelView.as_view(), name="cancel"),
    path("tasks/<int:pk>/reports", views.ProgressView.as_view(), name="progress"),
    path("tasks/<int:pk>/photos/<int:photo>", views.PhotoView.as_view(), name="photo"),
    path("commitments", views.CommitmentListView.as_view(), name="commitments"),
    path("commitments/<int:pk>/review", views.CommitmentReviewView.as_view(), name="commitment-review"),
    path("commitments/<int:pk>/reports", views.CommitmentReportView.as_view(), name="commitment-report"),
    path("commitments/<int:pk>/reports/<int:report>/comment", views.CommitmentCommentView.as_view(),
         name="commitment-comment"),
    path("plans", views.PlanListView.as_view(), name="plans"),
    path("plans/<int:pk>", views.PlanDetailView.as_view(), name="plan"),
    path("plans/<int:pk>/report", views.PlanReportView.as_view(), name="plan-report"),
    path("plans/<int:pk>/forward", views.PlanForwardView.as_view(), name="plan-forward"),
    path("plans/<int:pk>/return", views.PlanReturnView.as_view(), name="plan-return"),
    path("plans/<int:pk>/rollup", views.PlanRollupView.as_view(), name="plan-rollup"),
    path("work-calendar", views.WorkCalendarView.as_view(), name="work-calendar"),
    path("my-calendar", views.MyCalendarView.as_view(), name="my-calendar"),
]
