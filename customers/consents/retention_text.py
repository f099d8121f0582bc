"""The policy page's retention section, written from the retention rules in force, so that
what the page says and what the sweep does cannot disagree (a rule's period is data, kept by
the data-protection role; the page follows it without anyone editing text)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customers.models import RetentionRule

C, A, ACT = RetentionRule.Category, RetentionRule.Anchor, RetentionRule.Action


def period_text(months: int) -> str:
    if months and months % 12 == 0:
        years = months // 12
        return ngettext("%(n)s year", "%(n)s years", years) % {"n": years}
    return ngettext("%(n)s month", "%(n)s months", months) % {"n": months}


def _customer_line(rule: RetentionRule) -> str:
    values = {"period": period_text(rule.period_months), "days": rule.notice_days}
    if rule.anchor == A.SERVICE_END:
        text = _(
            "When your last service with us ends, your personal data is deleted %(period)s "
            "after its end (or after your last activity, if later)."
        )
    else:
        text = _(
            "If you have no service with us, your personal data is deleted after %(period)s "
            "without any activity."
        )
    if rule.notice_days:
        text += " " + _("We tell you %(days)s days before.")
    return text % values


def rule_line(rule: RetentionRule) -> str:
    """One sentence per rule, in the current language."""
    if rule.category in (C.CUSTOMER, C.SERVICE_ENDED):
        if rule.period_months is None:
            return _("%(category)s: kept until you ask for deletion.") % {
                "category": rule.get_category_display()
            }
        return _customer_line(rule)
    values = {"category": rule.get_category_display(), "anchor": rule.get_anchor_display()}
    if rule.period_months is None:
        return _("%(category)s: kept permanently, as the law requires.") % values
    values["period"] = period_text(rule.period_months)
    if rule.action == ACT.DELETE:
        return _("%(category)s: deleted %(period)s after: %(anchor)s.") % values
    if rule.action == ACT.PROPOSE_DESTRUCTION:
        return (
            _(
                "%(category)s: kept %(period)s from: %(anchor)s, then destroyed once a "
                "destruction council approves."
            )
            % values
        )
    return _("%(category)s: kept at least %(period)s from: %(anchor)s.") % values


def retention_lines(rules=None) -> list[str]:
    """The retention section, from ``rules`` (a published version's copy), by default the
    rules in force."""
    rules = {r.category: r for r in (RetentionRule.objects.all() if rules is None else rules)}
    lines = [_("Your personal data is deleted whenever you ask (on the “My data” page).")]
    for category in (C.SERVICE_ENDED, C.CUSTOMER):
        if category in rules:
            lines.append(rule_line(rules[category]))
    lines.append(
        _(
            "What a running warranty needs is kept until the warranty ends; a legal hold or a "
            "request of yours still being handled postpones the deletion. After a deletion we "
            "send you a last message with the reference of the deletion certificate and what "
            "the law makes us keep."
        )
    )
    lines += [
        rule_line(rule)
        for category, rule in sorted(rules.items())
        if category not in (C.CUSTOMER, C.SERVICE_ENDED)
    ]
    return lines
