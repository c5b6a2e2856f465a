"""The staff login, throttled: the admin's own view behind a per-client limit."""

from django.contrib import admin
from django.http import HttpResponse

from planner.limits import RateLimited, check_login_rate


def admin_login(request, **kwargs):
    """Each attempt to sign in counts, right or wrong, per client address (an IPv6
    client by its /64): LOGIN_RATE_LIMIT lets staff mistype a few times, and keeps
    anyone from guessing passwords at the server's speed."""
    if request.method == "POST":
        try:
            check_login_rate(request)
        except RateLimited as limited:
            response = HttpResponse(
                "Too many attempts to sign in. Please wait "
                f"{limited.retry_after} seconds and try again.\n",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(limited.retry_after)
            return response
    return admin.site.login(request, **kwargs)
