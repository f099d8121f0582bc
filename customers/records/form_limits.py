"""The public forms' abuse limits, per client address.

Two ceilings: accepted submissions (``FORM_RATE_LIMIT``), counted in the submissions stored,
by the INSERT that stores one (``customers.records.submissions.submission_accept``), so that
mistakes a person corrects never use up their limit; and every post that fails validation
(``FORM_POST_RATE_LIMIT``, higher, here, counted in the cache), against a script hammering
the validation, which fails open when the cache is down.
"""

from django.conf import settings
from django_ratelimit.core import is_ratelimited

POSTS_GROUP = "web-form-posts"


def form_post_refused(request) -> bool:
    """Count this post; True if it is one too many for the all-posts ceiling."""
    return is_ratelimited(
        request,
        group=POSTS_GROUP,
        key="ip",
        rate=settings.FORM_POST_RATE_LIMIT,
        method="POST",
        increment=True,
    )
