"""Security: cookies, headers, HTTPS and HSTS, the proxy in front, and the Content Security
Policy."""

from csp.constants import NONCE, SELF

from config.env import env_bool, env_int
from config.settings.environment import IS_PRODUCTION

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Behind a reverse proxy (load balancer, TLS terminator) the proxy's headers say whether the
# request came over HTTPS and who sent it. Trust them only when told there is such a proxy:
# otherwise any client could claim HTTPS, or another address, by sending the header itself.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", default=False)
# How many proxies in front of the service append to X-Forwarded-For (accounts/client_address.py).
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SILENCED_SYSTEM_CHECKS: list[str] = []
# The health checks (/healthz liveness, /readyz readiness; ADR 0040) answer over plain HTTP too:
# a load balancer inside the network asks the server directly, without TLS, and must not be sent
# a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # security.W021 asks for the HSTS preload directive. It is off on purpose: the browsers'
        # preload list takes registrable domains only (nhs.uk, not a service's subdomain), so
        # preloading is decided once by the parent domain's owner; a service that sends
        # `preload` on its own gains nothing and commits the whole parent domain to HTTPS.
        # Set DJANGO_SECURE_HSTS_PRELOAD=true where the service owns its registrable domain.
        SILENCED_SYSTEM_CHECKS.append("security.W021")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}
