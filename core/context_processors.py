from django.http import HttpRequest

SERVICE_NAME = "Onboard to the National Imaging Registry"


def layout(request: HttpRequest) -> dict[str, object]:
    return {
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "service_name": SERVICE_NAME,
    }
