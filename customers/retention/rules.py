"""The retention rules: one row per category, created with the defaults below and then kept
by the data-protection role (periods are data, because the law changes)."""

from customers.models import RetentionRule

C, A, ACT = RetentionRule.Category, RetentionRule.Anchor, RetentionRule.Action

# category: (months, anchor, action, legal basis, legal minimum months, notice days)
DEFAULT_RULES = {
    C.CUSTOMER: (
        12,
        A.LAST_ACTIVITY,
        ACT.ERASE,
        "Company policy published in the privacy policy (no law sets 12 months); "
        "Law 91/2025 Art 14(1)",
        0,
        30,
    ),
    # "Deleted when the service stops" (MMGROUP's policy): a customer whose last service
    # ended is erased after this grace period (final invoice, support questions), unless they
    # come back; customers who never had a service fall under the inactivity rule above.
    C.SERVICE_ENDED: (
        1,
        A.SERVICE_END,
        ACT.ERASE,
        "Company policy published in the privacy policy: deletion when the service ends; "
        "Law 91/2025 Art 14(1)",
        0,
        14,
    ),
    C.ACC_5Y: (
        60,
        A.FISCAL_YEAR_END,
        ACT.PROPOSE_DESTRUCTION,
        "Accounting Law 88/2015 Art 41(5)(a); Decree 174/2016 Art 12",
        60,
        0,
    ),
    C.ACC_10Y: (
        120,
        A.FISCAL_YEAR_END,
        ACT.PROPOSE_DESTRUCTION,
        "Accounting Law 88/2015 Art 41(5)(b); Decree 174/2016 Art 13",
        120,
        0,
    ),
    C.ACC_PERMANENT: (
        None,
        A.FISCAL_YEAR_END,
        ACT.KEEP,
        "Accounting Law 88/2015 Art 41(5)(c); Decree 174/2016 Art 14",
        0,
        0,
    ),
    C.SUBMISSION: (
        24,
        A.CREATION,
        ACT.DELETE,
        "Evidence of what was submitted; kept while a dispute is plausible",
        0,
        0,
    ),
    C.COOKIE_CONSENT: (
        24,
        A.CREATION,
        ACT.DELETE,
        "Proof of consent (Decree 356 Art 6(2)); choices are asked again after 12 months",
        13,
        0,
    ),
    C.ACCESS_LOG: (
        24,
        A.CREATION,
        ACT.DELETE,
        "System logs at least 12 months (Decree 53/2022); burden of proof",
        12,
        0,
    ),
    C.REQUEST: (
        60,
        A.CLOSURE,
        ACT.DELETE,
        "Proof that requests were answered in time (limitation period for claims)",
        0,
        0,
    ),
    C.INCIDENT: (
        60,
        A.CLOSURE,
        ACT.DELETE,
        "Breach files at least 5 years after remediation (Decree 356 Art 29)",
        60,
        0,
    ),
    C.MARKETING_CONSENT: (
        12,
        A.CREATION,
        ACT.KEEP,
        "Registration and refusal records at least 1 year (Decree 91/2020). Kept: the "
        "ledger proves each current consent, and an erased customer's events hold no "
        "personal data",
        12,
        0,
    ),
}


def retention_rules_ensure() -> None:
    """Create the default rules that are missing; never change a rule staff edited."""
    for category, (months, anchor, action, basis, minimum, notice) in DEFAULT_RULES.items():
        rule, created = RetentionRule.objects.get_or_create(
            category=category,
            defaults={
                "period_months": months,
                "anchor": anchor,
                "action": action,
                "legal_basis": basis,
                "minimum_months": minimum,
                "notice_days": notice,
            },
        )
        if not created and rule.minimum_months != minimum:
            # The legal minimum is ours to keep current, not staff's.
            RetentionRule.objects.filter(pk=rule.pk).update(minimum_months=minimum)


def rules() -> dict:
    return {r.category: r for r in RetentionRule.objects.all()}


CUSTOMER_CATEGORIES = (C.CUSTOMER, C.SERVICE_ENDED)


def customer_rules() -> list:
    """The rules that erase customers, each with a period (a rule emptied by staff is off)."""
    return [
        r
        for r in RetentionRule.objects.filter(category__in=CUSTOMER_CATEGORIES)
        if r.period_months is not None
    ]
