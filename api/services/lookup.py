"""A system asks what a customer has consented to: the answer and its access-log entry in
one statement.

This is the API's hottest call (a CRM or an email tool asks before every contact), so it
is one prepared statement, one round trip: a data-modifying CTE finds the customers by
blind index, writes the access-log entry naming them (``customers.audit.services.
access_log``'s row, as the calling system), and returns the ledger events behind their
current grants. The entry cannot be missing from an answer, nor an answer from an entry:
they commit together. PostgreSQL plans the statement once per connection (psycopg's
``prepare=True``, and joins written LATERAL so that the generic plan is the nested index
lookups a custom plan would choose); the ORM's compile and the planner were most of a
lookup's time.

Elsewhere (SQLite in development and the fast tests, or prepared statements turned off with
``DB_PREPARED_STATEMENTS=false``) the same answer comes from the ORM
(``api.selectors.consent_lookup``) and ``access_log``.
"""

import json
from types import SimpleNamespace

from api.models import ApiClient
from api.selectors import consent_lookup, purpose_of
from customers.audit.services import access_log
from customers.core.crypto import blind_index_candidates
from customers.core.personal_data import normalise_email, normalise_phone
from customers.models import AccessLogEntry, Customer
from privacysite.fast_insert import execute_prepared, prepared_enabled

FIELDS = ["consents"]

# The customers an address names: by email, or by any of the three phones. Two statements
# rather than one with ORs, so that each keeps its index scan in a generic plan (a blank
# phone index matches every customer without that phone, and must never be asked for).
# The email index is partial (blank excluded): the plan may use it only if the statement
# says so itself, since a generic plan knows nothing of the parameter's value.
# The index values are every one a stored row may carry: one, or two while BLIND_INDEX_KEY
# changes (then "= ANY", planned per call: a generic plan for an array of unknown length
# costs more than PostgreSQL's custom plans, and it would re-plan every lookup).
MATCH = {
    "email": "c.email_index {op} AND c.email_index <> ''",
    "phone": "(c.phone_mobile_index {op} OR c.phone_home_index {op} OR c.phone_office_index {op})",
}

STATEMENT = """
WITH found AS (
    SELECT c.id AS customer_id, s.last_event_id
    FROM customers_customer c
    LEFT JOIN LATERAL (
        SELECT last_event_id FROM consents_consentstate s WHERE s.customer_id = c.id AND s.granted
        -- a web registration acts on its consents once its address is confirmed
        AND (c.source <> %(web_form)s OR c.contact_confirmed_at IS NOT NULL)
    ) s ON true
    WHERE {match} AND c.status <> %(erased)s
), logged AS (
    INSERT INTO customers_accesslogentry
        (at, actor_id, actor_label, action, customer_ids, fields, reason, ip_address,
         prev_hash, hash)
    SELECT now(), NULL, %(actor)s, %(action)s,
        COALESCE((SELECT jsonb_agg(DISTINCT customer_id ORDER BY customer_id) FROM found),
                 '[]'::jsonb),
        %(fields)s::jsonb, %(reason)s, %(ip)s::inet, '', ''
    RETURNING id
)
SELECT f.customer_id, e.id, e.purpose_id, e.action, e.created_at, e.wording, e.language,
       e.channel, e.number, (SELECT id FROM logged)
FROM found f
LEFT JOIN LATERAL (
    SELECT e.*, v.number
    FROM consents_consentevent e JOIN consents_policyversion v ON v.id = e.policy_version_id
    WHERE e.id = f.last_event_id
) e ON true
"""  # noqa: S608  (only the two fixed MATCH texts are formatted in; values are parameters)


def consent_lookup_logged(
    *, client: ApiClient, email: str = "", phone: str = "", reason: str, ip_address: str | None
) -> list:
    """The ledger events behind the current grants of the customers an address names
    (light objects with what a consent record shows), logged as read by ``client``."""
    if not prepared_enabled():
        ids, events = consent_lookup(email=email, phone=phone)
        access_log(
            actor=client.actor,
            action=AccessLogEntry.Action.VIEW,
            customers=ids,
            fields=FIELDS,
            reason=reason,
            ip_address=ip_address or None,
        )
        return events
    kind = "email" if email else "phone"
    index = blind_index_candidates(normalise_email(email) if email else normalise_phone(phone))
    single = len(index) == 1
    op = "= %(index)s" if single else "= ANY(%(index)s)"
    params = {
        "index": index[0] if single else index,
        "erased": Customer.Status.ERASED,
        "web_form": Customer.Source.WEB_FORM,
        "actor": client.actor,
        "action": AccessLogEntry.Action.VIEW,
        "fields": json.dumps(FIELDS),
        "reason": reason[:255],
        "ip": ip_address or None,
    }
    # A phone is planned for its values each time: most customers share the blank home and
    # office index, and a generic plan for "any of three columns" scans the table.
    rows = execute_prepared(
        STATEMENT.format(match=MATCH[kind].format(op=op)),
        params,
        prepare=kind == "email" and single,
    )
    events = []
    for (
        _customer,
        pk,
        purpose_id,
        action,
        created_at,
        wording,
        language,
        channel,
        number,
        _,
    ) in rows:
        if pk is None:
            continue
        events.append(
            SimpleNamespace(
                pk=pk,
                purpose=purpose_of(purpose_id),
                action=action,
                created_at=created_at,
                wording=wording,
                language=language,
                channel=channel,
                policy_version=SimpleNamespace(number=number),
            )
        )
    events.sort(key=lambda e: (e.purpose.order, e.purpose.pk, e.pk))
    return events
