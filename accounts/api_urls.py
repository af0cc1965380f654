from django.urls import path

from accounts import api

urlpatterns = [
    path("token/", api.TokenView.as_view(), name="api-token"),
    path("logout/", api.LogoutView.as_view(), name="api-logout"),
    path("tokens/", api.TokenListView.as_view(), name="api-tokens"),
    path("tokens/<id:token_id>/", api.TokenDetailView.as_view(), name="api-token-detail"),
]
