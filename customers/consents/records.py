"""A ledger event as a consent record with the element names of ISO/IEC TS 27560:2023
(consent record information structure), where one applies: the API and the my-data copy
use the same names."""

SCHEMA_VERSION = "ISO/IEC TS 27560:2023"


def notice_id(event) -> str:
    return f"privacy-policy-v{event.policy_version.number}"


def consent_record_fields(event) -> dict:
    """``event`` with ``purpose`` and ``policy_version`` loaded."""
    return {
        "record_id": event.pk,
        "purpose_id": event.purpose.code,
        "purpose": event.purpose.name(),
        "lawful_basis": event.purpose.legal_basis,
        "event_state": "given" if event.action == "granted" else "withdrawn",
        "event_time": event.created_at.isoformat(),
        "notice_id": notice_id(event),
        "notice_text": event.wording,
        "notice_language": event.language,
        "collection_method": event.channel,
    }
