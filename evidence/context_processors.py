from django.http import HttpRequest

from .scanning import scanner_configured


def malware_scanning(request: HttpRequest) -> dict[str, bool]:
    """Whether uploads are scanned, so that every page can say when they are not (the
    development default of `make run`; production refuses to start without a scanner)."""
    return {"malware_scanning_configured": scanner_configured()}
