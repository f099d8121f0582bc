"""Small request helpers shared by the apps."""

import ipaddress

from django.conf import settings
from django.shortcuts import render


def client_ip(request) -> str:
    """The client's address, for rate limits and evidence.

    X-Forwarded-For can be forged by any client, so it is read only when the deployment says
    how many proxies of its own stand in front (``TRUSTED_PROXIES``, 1 behind one nginx); the
    address those proxies saw is then the one ``TRUSTED_PROXIES`` places from the right.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return remote


def truncated_ip(address: str) -> str:
    """The network part only (/24 for IPv4, /48 for IPv6): enough for abuse, not a person."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def too_many_requests(request):
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "600"
    return response
