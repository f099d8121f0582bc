"""Small request helpers shared by the apps."""

import contextlib
import ipaddress
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import http_date
from django.utils.translation import get_language


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
    host_bits = ip.max_prefixlen - (24 if ip.version == 4 else 48)
    return str(type(ip)(int(ip) >> host_bits << host_bits))


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
    return FormGuard(
        request, group=group, rate=rate, claim=claim, claim_timeout=claim_timeout
    ).result()


class FormGuard:
    """``form_guard`` started before the form is validated and read after, so that Redis
    answers while the form is checked: the commands leave when this is made, ``result()``
    reads the answer (call it exactly once, also when the form turns out invalid), and
    ``withdraw()`` takes back the count and the claim of a form that was not accepted (a
    mistake the person corrects must not use up the limit, and the same rendered form must
    be accepted once corrected). Without Redis (tests), the same in plain cache calls."""

    def __init__(self, request, *, group: str, rate: str, claim: str | None, claim_timeout: int):
        self.limit, window = parse_rate(rate)
        slot = int(time.time()) // window
        self.counter = f"rl:{group}:{window}:{slot}:{client_ip(request)}"
        self.claim = claim
        self._result = None
        self._maybe_claimed = False  # sent, but the answer was lost: taken or not, unknown
        if hasattr(cache, "count_and_claim_send"):
            self._pending = cache.count_and_claim_send(self.counter, window, claim, claim_timeout)
            return
        self._pending = None  # another cache backend: the same, in separate calls, now
        cache.add(self.counter, 0, timeout=window)
        try:
            count = cache.incr(self.counter)
        except ValueError:
            count = 0
        claimed = None
        if claim:
            claimed = cache.add(claim, 1, timeout=claim_timeout)
            if not claimed and cache.get(claim) is None:
                claimed = None  # not added and not there: the cache is not working
        self._result = (count, claimed)

    def result(self) -> tuple[bool, bool | None]:
        """(limited, claimed), as ``form_guard`` returns them. A request over the limit
        gives its claim back at once: nothing is stored, the same form may come again. The
        same form sent again (``claimed`` False) is judged by the count of the first, so a
        double click on the last form the limit allows is not refused."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._result = pending.read()
            self._maybe_claimed = bool(self.claim) and pending.sent and self._result[1] is None
        count, self.claimed = self._result
        self.counted = count > 0
        if self.claimed is False:
            count -= 1  # the same form again: what counts against the limit is the first
        limited = count > self.limit
        if limited and self.claimed:
            cache.delete(self.claim)
            self.claimed = None
        return limited, self.claimed

    def withdraw(self):
        """The form was not accepted (it had a mistake, or failed), or was the same form
        again: uncount it, and give its claim back if it holds one."""
        if self.counted:
            with contextlib.suppress(ValueError):  # expired meanwhile, or the cache is down
                cache.decr(self.counter)
        self.give_back_claim()

    def give_back_claim(self):
        """Nothing was stored (a mistake, a failure): the same form must be accepted when
        sent again. Also when the answer was lost and the claim may have been taken."""
        if self.claimed or self._maybe_claimed:
            cache.delete(self.claim)
            self.claimed, self._maybe_claimed = None, False


def redirect_to(name: str) -> HttpResponseRedirect:
    """``redirect(name)`` for a URL without arguments, its path worked out once per language
    rather than by ``reverse()`` with the language prefix on every request."""
    return HttpResponseRedirect(_path(name, get_language(), get_urlconf(), get_script_prefix()))


@lru_cache(maxsize=128)
def _path(name: str, language: str, urlconf, script_prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@receiver(setting_changed)
def _forget_paths(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"):
        _path.cache_clear()


def cookie_expires(max_age: int) -> str:
    """The Expires date ``set_cookie(max_age=...)`` writes beside Max-Age (to the second, as
    there), formatted once per second rather than once per request.
    Pass it as ``expires`` together with ``max_age``."""
    return _http_date(int(time.time()) + max_age)


@lru_cache(maxsize=4)
def _http_date(when: int) -> str:
    return http_date(when)
