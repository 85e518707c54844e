from django.urls import path

from . import views

urlpatterns = [
    path("", views.site_list, name="sites-list"),
    path("new/", views.site_create, name="sites-create"),
    path("import/", views.site_import, name="sites-import"),
    path("import/osm/", views.site_import_osm, name="sites-import-osm"),
    path("<int:pk>/", views.site_detail, name="sites-detail"),
    path("<int:pk>/edit/", views.site_edit, name="sites-edit"),
    path("<int:site_pk>/propose/", views.safepoint_create, name="sites-safepoint-create"),
    path("safe-points/", views.safepoint_list, name="sites-safepoint-list"),
    path("safe-points/<int:pk>/", views.safepoint_detail, name="sites-safepoint-detail"),
    path("safe-points/<int:pk>/survey/", views.safepoint_survey, name="sites-safepoint-survey"),
    path("safe-points/<int:pk>/approve/", views.safepoint_approve, name="sites-safepoint-approve"),
    path("safe-points/<int:pk>/status/", views.safepoint_status, name="sites-safepoint-status"),
    path("surveys/<int:pk>/", views.survey_detail, name="sites-survey-detail"),
    path("surveys/<int:pk>/evidence/", views.evidence_add, name="sites-evidence-add"),
    path("evidence/<int:pk>/", views.evidence_download, name="sites-evidence"),
    path("criteria/", views.criteria_list, name="sites-criteria-list"),
    path("criteria/publish/", views.criteria_publish, name="sites-criteria-publish"),
    path("criteria/<int:pk>/", views.criteria_detail, name="sites-criteria-detail"),
    path("basic-survey/", views.dashboard, name="sites-dashboard"),
    path("basic-survey/new/", views.basic_survey_create, name="sites-basic-create"),
    path("basic-survey/<int:pk>/", views.basic_survey_detail, name="sites-basic-detail"),
    path("basic-survey/<int:pk>/check/", views.basic_survey_check, name="sites-basic-check"),
]
