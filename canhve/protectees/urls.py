from django.urls import path

from . import views

urlpatterns = [
    path("", views.category_list, name="protectees-list"),
    path("categories/<slug:code>/", views.category_detail, name="protectees-category"),
]
