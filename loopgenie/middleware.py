"""Security headers Django 5.2 does not set by itself, and the health check."""

from django.conf import settings

from loopgenie.health import healthz


class HealthCheckMiddleware:
    """Answer /healthz before the host check and the HTTPS redirect.

    Load balancers probe with an internal address as Host and plain HTTP; the
    answer says nothing secret, so it need not pass either check.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy from settings on every response.

    Only our own scripts and styles run (no inline script anywhere: data reaches the
    map through json_script); map tiles are the one outside source of images.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}"
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
