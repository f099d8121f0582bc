"""The public forms' abuse limits, per client address (counts in the cache).

Two ceilings: accepted submissions (``FORM_RATE_LIMIT``, counted with the double-submit claim
in one round trip by ``privacysite.http.FormGuard``, sent before the form is validated and
taken back if it has a mistake), so that mistakes a person corrects never use up their
limit, and every post that fails validation (``FORM_POST_RATE_LIMIT``, higher, here), against
a script hammering the validation. Both fail open when the cache is down.
"""

from django.conf import settings
from django_ratelimit.core import is_ratelimited

ACCEPTED_GROUP = "web-forms"
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
