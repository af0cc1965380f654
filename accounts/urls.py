"""The site's account pages. They come before django.contrib.auth's and the admin's own
log-in and log-out in factcheck/urls.py, so those are throttled and revoke tokens too."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/tokens/", views.token_list, name="token-list"),
    path("accounts/tokens/<id:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("admin/login/", views.admin_login),
    path("admin/logout/", views.LogoutView.as_view()),
]
