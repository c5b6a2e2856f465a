from django.urls import path

from planner import search_views, views

app_name = "planner"
urlpatterns = [
    path("", views.home, name="home"),
    path("plan", views.plan, name="plan"),
    path("plan.gpx", views.plan_gpx, name="plan_gpx"),
    path("plan.geojson", views.plan_geojson, name="plan_geojson"),
    path("loop/<str:token>/", views.loop_page, name="loop"),
    path("loop/<str:token>.gpx", views.loop_gpx, name="loop_gpx"),
    path("loop/<str:token>.geojson", views.loop_geojson, name="loop_geojson"),
    path("api/plan", views.api_plan, name="api_plan"),
    path("trails/<int:pk>/", views.trail, name="trail"),
    path("routes/<int:pk>/", views.route, name="route"),
    path("api/trailheads", views.api_trailheads, name="api_trailheads"),
    path("search", search_views.search_page, name="search"),
    path("api/search", search_views.api_search, name="api_search"),
]
