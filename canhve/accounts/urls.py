from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/verify/", views.otp_verify, name="otp-verify"),
    path("login/enrol/", views.otp_enrol, name="otp-enrol"),
    path("me/", views.profile, name="profile"),
    path("me/tokens/", views.create_token, name="token-create"),
    path("me/tokens/<int:pk>/revoke/", views.revoke_token, name="token-revoke"),
]
