from django.urls import path

from . import views

urlpatterns = [
    path("", views.operation_list, name="operations-list"),
    path("new/", views.operation_create, name="operations-create"),
    path("<int:pk>/", views.operation_detail, name="operations-detail"),
    path("<int:pk>/transition/", views.operation_transition, name="operations-transition"),
    path("<int:pk>/stops/", views.stop_add, name="operations-stop-add"),
    path("<int:pk>/movements/", views.movement_add, name="operations-movement-add"),
    path("<int:pk>/closures/", views.closure_add, name="operations-closure-add"),
    path("<int:pk>/replan/", views.replan, name="operations-replan"),
    path("<int:pk>/map/", views.operation_map, name="operations-map"),
    path("<int:pk>/map/data.json", views.operation_map_data, name="operations-map-data"),
    path("map/roads.json", views.map_roads, name="operations-map-roads"),
    path("<int:pk>/plans/new/", views.plan_create, name="operations-plan-create"),
    path("tasks/<int:pk>/", views.task_update, name="operations-task-update"),
    path("closures/<int:pk>/toggle/", views.closure_toggle, name="operations-closure-toggle"),
    path("movements/<int:pk>/", views.movement_detail, name="operations-movement"),
    path("routes/<int:pk>/choose/", views.route_choose, name="operations-route-choose"),
    path("plans/<int:pk>/", views.plan_detail, name="operations-plan"),
    path("plans/<int:pk>/transition/", views.plan_transition, name="operations-plan-transition"),
    path("plans/<int:pk>/contingencies/", views.contingency_add, name="operations-contingency-add"),
    path("plans/<int:pk>/diff/", views.plan_diff, name="operations-plan-diff"),
]
