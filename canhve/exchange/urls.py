from django.urls import path

from . import views

urlpatterns = [
    path("", views.item_list, name="exchange-list"),
    path("new/", views.item_create, name="exchange-create"),
    path("<int:pk>/", views.item_detail, name="exchange-detail"),
]
