"""Small request helpers shared by the apps."""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
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


UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "10/10m" → (10, 600): at most 10 in each window of 600 seconds."""
    count, _, period = rate.partition("/")
    number = period[:-1] or "1"
    return int(count), int(number) * UNITS[period[-1]]


def form_guard(request, *, group: str, rate: str, claim: str | None, claim_timeout: int):
    """The rate limit of a public form (per client address, a fixed window) and its
    double-submit claim, in one cache round trip where the cache can (Redis: one pipeline).

    Returns (limited, claimed): ``claimed`` is True when this request took ``claim``, False
    when an earlier one holds it (the same rendered form sent again), None when unknown
    (no claim asked, or the cache is down: fail open, store rather than drop)."""
    limit, window = parse_rate(rate)
    slot = int(time.time()) // window
    counter = f"rl:{group}:{window}:{slot}:{client_ip(request)}"
    if hasattr(cache, "count_and_claim"):
        count, claimed = cache.count_and_claim(counter, window, claim, claim_timeout)
    else:  # another cache backend (tests without Redis): the same, in separate calls
        cache.add(counter, 0, timeout=window)
        try:
            count = cache.incr(counter)
        except ValueError:
            count = 0
        claimed = None
        if claim:
            claimed = cache.add(claim, 1, timeout=claim_timeout)
            if not claimed and cache.get(claim) is None:
                claimed = None  # not added and not there: the cache is not working
    limited = count > limit
    if limited and claimed:
        cache.delete(claim)  # not stored: the same form may be sent again later
    return limited, claimed
