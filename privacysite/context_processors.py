from django.conf import settings


def organisation(request):
    """The organisation's identity, for the footer and every page that names the controller."""
    return {"organisation": settings.ORGANISATION}
