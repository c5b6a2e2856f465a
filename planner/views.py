from django.shortcuts import render

from trails.models import Source


def home(request):
    sources = Source.objects.filter(segment_count__gt=0)
    return render(request, "planner/home.html", {"sources": sources})
