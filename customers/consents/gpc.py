"""Global Privacy Control (https://privacycg.github.io/gpc-spec/): a browser that sends
``Sec-GPC: 1`` refuses the sale or sharing of its user's data. Here it is a refusal of the
cookie categories that track (analytics, advertising) and of marketing consents on forms:
those stay off while the signal is sent, and the proof of a cookie choice records it."""

# Cookie categories a GPC signal refuses (codes in the cookie catalogue).
GPC_REFUSED_CATEGORIES = frozenset({"analytics", "advertising", "marketing"})


def gpc_signal(request) -> bool:
    return request.META.get("HTTP_SEC_GPC", "").strip() == "1"
