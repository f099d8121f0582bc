"""Small request helpers shared by the apps."""

import ipaddress

from django.shortcuts import render


def client_ip(request) -> str:
    """The client's address as the WSGI server saw it.

    Behind a reverse proxy, the proxy must set REMOTE_ADDR (gunicorn's
    ``forwarded_allow_ips`` with nginx's real-ip module); X-Forwarded-For is not trusted here
    because any client can send it.
    """
    return request.META.get("REMOTE_ADDR", "")


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
