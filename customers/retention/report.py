"""The retention plan in words: each rule with its period, what it is counted from and what
happens, then how many records it reaches now (counts only, never personal data)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from customers.models import AccountingDocument, CallTask, RetentionRule
from customers.retention import erasure

C = RetentionRule.Category

# What each rule reaches, by the plan's keys (customers.services.retention.retention_plan).
REACHES = {
    C.CUSTOMER: (
        ("customer_notice", gettext_lazy("customers to tell now that their data will be erased")),
        ("customer_erase", gettext_lazy("customers to erase (inactive and told in time)")),
    ),
    C.SUBMISSION: (("submission", gettext_lazy("web-form submissions to delete")),),
    C.COOKIE_CONSENT: (("cookie_consent", gettext_lazy("cookie-consent records to delete")),),
    C.ACCESS_LOG: (("access_log", gettext_lazy("access-log entries to delete")),),
    C.REQUEST: (("request", gettext_lazy("closed request records to delete")),),
    C.INCIDENT: (("incident", gettext_lazy("closed incident files to delete")),),
}


def rule_in_words(rule: RetentionRule) -> str:
    if rule.period_months is None:
        period = _("kept permanently")
    elif rule.period_months % 12 == 0:
        years = rule.period_months // 12
        period = ngettext("kept %(n)s year", "kept %(n)s years", years) % {"n": years}
    else:
        months = rule.period_months
        period = ngettext("kept %(n)s month", "kept %(n)s months", months) % {"n": months}
    return _("%(category)s: %(period)s, counted from %(anchor)s; then: %(action)s.") % {
        "category": rule.get_category_display(),
        "period": period,
        "anchor": str(rule.get_anchor_display()).lower(),
        "action": str(rule.get_action_display()).lower(),
    }


def retention_report(plan: dict) -> list[str]:
    """Lines to print: a rule, then indented what it reaches now."""
    lines = []
    documents = AccountingDocument.objects.filter(pk__in=plan.get("documents_past_period", []))
    for rule in RetentionRule.objects.order_by("category"):
        lines.append(rule_in_words(rule))
        for key, label in REACHES.get(rule.category, ()):
            if key not in plan:
                continue
            value = plan[key]
            count = len(value) if isinstance(value, list) else value
            lines.append(f"    {label}: {count}")
            if key == "customer_erase" and value:
                lines += _blocked_lines(value)
        if rule.category == C.CUSTOMER:
            lines.append(_calls_line())
        if rule.category in AccountingDocument.RetentionClass.values:
            count = documents.filter(retention_class=rule.category).count()
            lines.append(f"    {_('documents to propose for destruction')}: {count}")
    return lines


def _calls_line() -> str:
    """Customers with neither email nor mobile wait for a call before they can be erased."""
    waiting = CallTask.objects.filter(purpose=CallTask.ERASURE_NOTICE, done_at__isnull=True)
    late = waiting.filter(due_on__lt=timezone.localdate()).count()
    return "    " + _(
        "calls to tell customers of their erasure, not made yet: %(count)s (past their "
        "deadline: %(late)s)"
    ) % {"count": waiting.count(), "late": late}


def _blocked_lines(customer_ids) -> list[str]:
    """Customers due for erasure that something still keeps (the sweep skips them)."""
    reasons: dict[str, int] = {}
    for found in erasure.blockers(customer_ids).values():
        for reason in found:
            reasons[reason] = reasons.get(reason, 0) + 1
    return [
        f"        {_('kept because of %(reason)s') % {'reason': erasure.BLOCKER_TEXT[reason]}}: "
        f"{count}"
        for reason, count in sorted(reasons.items())
    ]
