from django.urls import path

from . import views

urlpatterns = [
    path("", views.document_list, name="documents-list"),
    path("new/", views.document_create, name="documents-create"),
    path("verify/", views.verify, name="documents-verify"),
    path("from-plan/<int:plan_id>/", views.document_from_plan, name="documents-from-plan"),
    path("<int:pk>/", views.document_detail, name="documents-detail"),
    path("<int:pk>/edit/", views.document_edit, name="documents-edit"),
    path("<int:pk>/move/", views.document_move, name="documents-move"),
    path("<int:pk>/correct/", views.document_correct, name="documents-correct"),
    path("<int:pk>/render/", views.document_render, name="documents-render"),
    path("<int:pk>/file/<str:kind>/", views.document_download, name="documents-download"),
    path("incoming/", views.incoming_list, name="documents-incoming-list"),
    path("incoming/<int:pk>/", views.incoming_detail, name="documents-incoming-detail"),
    path("jobs/<int:pk>/", views.render_job, name="documents-job"),
    path("jobs/<int:pk>/file/", views.render_job_file, name="documents-job-file"),
]
