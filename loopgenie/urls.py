from django.contrib import admin
from django.urls import include, path

from loopgenie.views import admin_login

urlpatterns = [
    path("admin/login/", admin_login),  # before the admin's own, to throttle it
    path("admin/", admin.site.urls),
    path("", include("planner.urls")),
]
