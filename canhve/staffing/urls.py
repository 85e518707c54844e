from django.urls import path

from . import views

urlpatterns = [
    path("", views.roster_list, name="staffing-roster-list"),
    path("rosters/new/", views.roster_create, name="staffing-roster-create"),
    path("rosters/<int:pk>/", views.roster_detail, name="staffing-roster-detail"),
    path("rosters/<int:pk>/solve/", views.roster_solve, name="staffing-roster-solve"),
    path("rosters/<int:pk>/progress/", views.roster_progress, name="staffing-roster-progress"),
    path("rosters/<int:pk>/publish/", views.roster_publish, name="staffing-roster-publish"),
    path("rosters/<int:pk>/assign/", views.assignment_add, name="staffing-assignment-add"),
    path("assignments/<int:pk>/pin/", views.assignment_pin, name="staffing-assignment-pin"),
    path("assignments/<int:pk>/remove/", views.assignment_remove, name="staffing-assignment-remove"),
    path("assignments/<int:pk>/sign/", views.assignment_sign, name="staffing-assignment-sign"),
    path("personnel/", views.personnel_list, name="staffing-personnel-list"),
    path("personnel/new/", views.personnel_create, name="staffing-personnel-create"),
    path("personnel/<int:pk>/", views.personnel_detail, name="staffing-personnel-detail"),
    path("personnel/<int:pk>/qualifications/", views.qualification_add, name="staffing-qualification-add"),
    path("personnel/<int:pk>/absences/", views.absence_add, name="staffing-absence-add"),
    path("posts/", views.post_list, name="staffing-post-list"),
    path("posts/new/", views.post_create, name="staffing-post-create"),
    path("posts/<int:pk>/", views.post_detail, name="staffing-post-detail"),
    path("mobilisation/", views.mobilisation_list, name="staffing-mobilisation-list"),
    path("mobilisation/new/", views.mobilisation_create, name="staffing-mobilisation-create"),
    path("mobilisation/<int:pk>/", views.mobilisation_detail, name="staffing-mobilisation-detail"),
    path("mobilisation/<int:pk>/respond/", views.mobilisation_respond, name="staffing-mobilisation-respond"),
    path("mobilisation/<int:pk>/cancel/", views.mobilisation_cancel, name="staffing-mobilisation-cancel"),
    path("operations/<int:operation_id>/", views.operation_staffing, name="staffing-operation"),
]
