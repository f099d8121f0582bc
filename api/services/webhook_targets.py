"""Where webhooks may go: public https addresses, checked when a subscription is entered and
again at every delivery (issue 31, finding 3: server-side request forgery).

A delivery resolves the host, refuses it unless every address it resolves to is public, and
connects to the address it checked (DNS may answer differently a moment later). It never
follows a redirect: a 3xx is a failed attempt. Development may allow http
(``WEBHOOK_ALLOW_HTTP``) and chosen private networks (``WEBHOOK_ALLOWED_NETWORKS``, e.g. a
receiver on 127.0.0.1, or a CRM on the company's own network).
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Beside what ipaddress calls non-global: IPv6 prefixes that reach IPv4 addresses through a
# translator (NAT64) or a tunnel (6to4), and so could reach a private IPv4 address.
TRANSLATED_NETWORKS = [
    ipaddress.ip_network(net) for net in ("64:ff9b::/96", "64:ff9b:1::/48", "2002::/16")
]
LOCAL_NAMES = ("localhost", "localhost.localdomain")


class TargetRefused(Exception):
    """The URL is not one a webhook may be sent to (the message says why, for the admin)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _allowed_networks():
    return [ipaddress.ip_network(net, strict=False) for net in settings.WEBHOOK_ALLOWED_NETWORKS]


def address_allowed(address: str) -> bool:
    """A public unicast address, or one of the networks allowed for development."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone index is no help
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip.version == net.version and ip in net for net in _allowed_networks()):
        return True
    if any(ip.version == net.version and ip in net for net in TRANSLATED_NETWORKS):
        return False
    return ip.is_global and not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _literal(host: str):
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def target_parts(url: str) -> tuple[str, str, int, str]:
    """``(scheme, host, port, path and query)`` of a URL a webhook may be sent to, or
    TargetRefused. No DNS here."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and settings.WEBHOOK_ALLOW_HTTP):
        raise TargetRefused(_("A webhook URL must start with https://."))
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(_("A webhook URL may not hold a user name or password."))
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise TargetRefused(_("The port of this URL is not valid.")) from exc
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise TargetRefused(_("A webhook URL needs a host name."))
    literal = _literal(host)
    if literal is not None and not address_allowed(host):
        raise TargetRefused(_not_public())
    local_name = literal is None and (host in LOCAL_NAMES or host.endswith(".localhost"))
    if local_name and not any(address_allowed(a) for a in ("127.0.0.1", "::1")):
        raise TargetRefused(_not_public())
    path = parts.path or "/"
    return scheme, host, port, f"{path}?{parts.query}" if parts.query else path


def _not_public():
    return _(
        "Webhooks are only sent to public internet addresses, not to this server, its local "
        "network, link-local, multicast or reserved addresses."
    )


def resolve_checked(host: str, port: int) -> list[str]:
    """The addresses to connect to, in the resolver's order: every address the host resolves
    to must be allowed (a name that also resolves to an internal address is refused whole)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OSError("name not resolved") from exc
    addresses = [info[4][0] for info in found]
    if not addresses or not all(address_allowed(a) for a in addresses):
        raise TargetRefused(_not_public())
    return list(dict.fromkeys(addresses))


def validate_webhook_url(url: str) -> None:
    """At entry (the admin's form, the service): a ValidationError in the admin's language
    for a URL no delivery would be sent to. A name that does not resolve yet is accepted:
    every delivery checks again."""
    try:
        _scheme, host, port, _path = target_parts(url)
        if _literal(host) is None:
            with contextlib.suppress(OSError):
                resolve_checked(host, port)
    except TargetRefused as exc:
        raise ValidationError(exc.message, code="webhook-target") from exc


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the addresses checked (the first that answers), whatever the name
    resolves to by now; the Host header (and, for https, the certificate check and SNI)
    still use the name."""

    def __init__(self, host, port, *, addresses, timeout):
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self):
        for address in self.addresses:
            try:
                self.sock = socket.create_connection((address, self.port), self.timeout)
                return
            except OSError as exc:
                error = exc
        raise error


class PinnedHTTPSConnection(PinnedHTTPConnection):
    default_port = 443

    def __init__(self, host, port, *, addresses, timeout, context):
        super().__init__(host, port, addresses=addresses, timeout=timeout)
        self.tls = context

    def connect(self):
        super().connect()
        self.sock = self.tls.wrap_socket(self.sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict, timeout: float) -> int:
    """POST once to a checked address; the answer's status code (a redirect is not
    followed). TargetRefused for an address not allowed; OSError when no answer came."""
    scheme, host, port, path = target_parts(url)
    addresses = resolve_checked(host, port)
    if scheme == "https":
        connection = PinnedHTTPSConnection(
            host, port, addresses=addresses, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = PinnedHTTPConnection(host, port, addresses=addresses, timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        # The status line is all we need: the body is not read (nor kept, nor shown), so a
        # subscriber cannot hold the worker by trickling one.
        return connection.getresponse().status
    except http.client.HTTPException as exc:
        raise OSError("bad answer") from exc
    finally:
        connection.close()
