from django.urls import path, re_path

from . import activation, guide, learning_pages, meeting_pages, profile_views, task_pages, views

urlpatterns = [
    path("dang-nhap/", views.login_page, name="login"),
    path("dang-xuat/", views.logout_page, name="logout"),
    path("kich-hoat/", activation.activate_page, name="activate"),
    path("huong-dan/", guide.guide_page, name="guide"),
    re_path(r"^huong-dan/am-thanh/(?P<name>[0-9a-f]{16,64}\.(?:opus|mp3|ogg|wav))$", guide.guide_audio,
            name="guide-audio"),
    path("ho-so/", profile_views.my_profile, name="my-profile"),
    path("sw.js", views.service_worker, name="reader-sw"),
    path("manifest.webmanifest", views.web_manifest, name="reader-manifest"),
    path("sinh-hoat/", meeting_pages.schedule_page, name="meeting-schedule"),
    path("sinh-hoat/<int:pk>/", meeting_pages.meeting_page, name="meeting-page"),
    path("viec/giao/", task_pages.assign_page, name="task-assign"),
    path("viec/<int:pk>/", task_pages.task_page, name="task-page"),
    path("cam-ket/", task_pages.commitments_page, name="commitments-page"),
    path("lich/", task_pages.calendar_page, name="my-calendar"),
    path("ke-hoach/", task_pages.plans_page, name="plans-page"),
    path("ke-hoach/<int:pk>/", task_pages.plan_page, name="plan-page"),
    path("hoc-tap/", learning_pages.learning_page, name="learning"),
    path("hoc-tap/<int:pk>/", learning_pages.round_page, name="learning-round"),
    path("hoc-tap/y-kien/<int:pk>/", learning_pages.poll_page, name="learning-poll"),
    path("hoc-tap/thu-hoach/<int:page>/", learning_pages.essay_page, name="learning-essay"),
    re_path(r"^r/(?P<name>[a-z]+\.(?:js|css))$", views.shared_asset, name="reader-asset"),
    re_path(r"^(?P<route>(?:tim-kiem|chua-doc|xem-sau|gop-y|luu-tru|tai-ve)/)?$", views.shell, name="reader"),
]
