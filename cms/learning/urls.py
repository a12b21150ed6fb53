from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("learning/rounds", views.RoundListView.as_view(), name="rounds"),
    path("learning/rounds/<int:pk>", views.RoundDetailView.as_view(), name="round"),
    path("learning/rounds/<int:pk>/attempt", views.AttemptStartView.as_view(), name="attempt-start"),
    path("learning/rounds/<int:pk>/results", views.ResultsView.as_view(), name="results"),
    path("learning/rounds/<int:pk>/rollup", views.RollupView.as_view(), name="rollup"),
    path("learning/attempts/<int:pk>", views.AttemptDetailView.as_view(), name="attempt"),
    path("learning/attempts/<int:pk>/answers", views.AnswersView.as_view(), name="answers"),
    path("learning/attempts/<int:pk>/submit", views.SubmitView.as_view(), name="submit"),
    path("learning/attempts/<int:pk>/questions/<int:question>/audio", views.QuestionAudioView.as_view(),
         name="question-audio"),
    path("learning/polls", views.PollListView.as_view(), name="polls"),
    path("learning/polls/<int:pk>", views.PollDetailView.as_view(), name="poll"),
    path("learning/polls/<int:pk>/answer", views.PollAnswerView.as_view(), name="poll-answer"),
    path("learning/polls/<int:pk>/results", views.PollResultsView.as_view(), name="poll-results"),
    path("learning/essays", views.EssayListView.as_view(), name="essays"),
    path("learning/essays/review", views.EssayReviewView.as_view(), name="essays-review"),
    path("learning/essays/rollup", views.EssayRollupView.as_view(), name="essays-rollup"),
    path("learning/essays/<int:pk>/mark", views.EssayMarkView.as_view(), name="essay-mark"),
    path("learning/essays/<int:pk>/photos/<int:photo>", views.EssayPhotoView.as_view(), name="essay-photo"),
    path("learning/qa", views.QAListView.as_view(), name="qa"),
    path("learning/qa/<int:pk>/audio", views.QAAudioView.as_view(), name="qa-audio"),
    path("learning/qa/from-feedback/<int:pk>", views.QAFromFeedbackView.as_view(), name="qa-from-feedback"),
]
