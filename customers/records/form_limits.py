"""The public forms' abuse limits, per client address (counts in the cache).

Two ceilings: accepted submissions (``FORM_RATE_LIMIT``), so that mistakes a person corrects
never use up their limit, and every post (``FORM_POST_RATE_LIMIT``, higher), against a script
hammering the validation. Both fail open when the cache is down (``RATELIMIT_FAIL_OPEN``).
"""

from django.conf import settings
from django_ratelimit.core import get_usage, is_ratelimited

ACCEPTED_GROUP = "web-forms"
POSTS_GROUP = "web-form-posts"


def form_post_refused(request) -> bool:
    """Count this post; True if it is one too many (the all-posts ceiling), or if this address
    has already had as many forms accepted as the limit allows."""
    if is_ratelimited(
        request,
        group=POSTS_GROUP,
        key="ip",
        rate=settings.FORM_POST_RATE_LIMIT,
        method="POST",
        increment=True,
    ):
        return True
    usage = get_usage(
        request,
        group=ACCEPTED_GROUP,
        key="ip",
        rate=settings.FORM_RATE_LIMIT,
        method="POST",
        increment=False,
    )
    return usage is not None and usage["count"] >= usage["limit"]


def form_accepted_count(request) -> None:
    """Count one accepted submission from this address."""
    get_usage(
        request,
        group=ACCEPTED_GROUP,
        key="ip",
        rate=settings.FORM_RATE_LIMIT,
        method="POST",
        increment=True,
    )
