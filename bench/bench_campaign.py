"""Issue 8 benchmark: a marketing-email campaign whose audience is the ~100,000 consenting
customers out of 1,000,000 (privacysite_bench): computing the audience and enqueueing its
batches, against listing the same ids alone.

    .venv/bin/python bench/bench_campaign.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

harness.setup_django("privacysite_bench")


def main():
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from consents.models import Purpose
    from consents.selectors import customer_ids_consenting
    from customers.models import Campaign
    from customers.services.communications import campaign_audience, campaign_start

    purpose = Purpose.objects.get(code="marketing_email")
    user, _ = get_user_model().objects.get_or_create(username="bench-sales")
    baseline = harness.timed(
        lambda: list(customer_ids_consenting("marketing_email").all()), repeat=3
    )[0]
    campaign = Campaign.objects.create(
        purpose=purpose,
        subject_vi="Ưu đãi",
        subject_en="Offer",
        body_vi="Giảm 20%",
        body_en="20% off",
        created_by=user,
    )
    audience = campaign_audience(campaign).count()
    start = time.perf_counter()
    with transaction.atomic():
        count = campaign_start(campaign=campaign)
    took = time.perf_counter() - start
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # the queued batches stay unsent
    print(f"\n## Campaign to {count:,} consenting customers of 1,000,000\n")
    print(
        f"audience {audience:,}; computing it and enqueueing {count // 500 + 1} batches took "
        f"{took:.2f} s; listing the consenting ids alone took {baseline:.2f} s "
        f"(ratio {took / baseline:.1f}×)"
    )


if __name__ == "__main__":
    main()
