"""Request and answer shapes. Consent records use the element names of ISO/IEC TS 27560
(consent record information structure) where one applies."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.models import ApiConsentRecord
from customers.personal_data import normalise_phone

RECORD_SCHEMA = "ISO/IEC TS 27560:2023"


class AddressSerializer(serializers.Serializer):
    """Exactly one of email or phone: the customer is found by its blind index."""

    email = serializers.EmailField(required=False, max_length=254)
    phone = serializers.CharField(required=False, max_length=40)

    def validate_phone(self, value):
        digits = "".join(ch for ch in value if ch.isdigit())
        if len(digits) < 8 or not normalise_phone(value).startswith("+"):
            raise serializers.ValidationError(_("Enter a phone number, e.g. 0912 345 678."))
        return value

    def validate(self, attrs):
        if bool(attrs.get("email")) == bool(attrs.get("phone")):
            raise serializers.ValidationError(_("Send either an email address or a phone number."))
        return attrs


class ConsentRecordInSerializer(AddressSerializer):
    purpose = serializers.SlugField(max_length=40, help_text="Purpose code, e.g. marketing_email")
    granted = serializers.BooleanField(help_text="true: consent given; false: withdrawn")
    wording = serializers.CharField(
        max_length=4000, trim_whitespace=True, help_text="The exact wording the customer was given"
    )
    language = serializers.ChoiceField(choices=[("vi", "vi"), ("en", "en")])
    channel = serializers.ChoiceField(choices=ApiConsentRecord.Channel.choices)
    reference = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text="Your own reference of the call or message (no personal data)",
    )


class ConsentRecordSerializer(serializers.Serializer):
    """One purpose's consent, from the ledger event that set it."""

    record_id = serializers.IntegerField(source="pk")
    purpose_id = serializers.CharField(source="purpose.code")
    purpose = serializers.SerializerMethodField()
    lawful_basis = serializers.CharField(source="purpose.legal_basis")
    event_state = serializers.SerializerMethodField()
    event_time = serializers.DateTimeField(source="created_at")
    notice_id = serializers.SerializerMethodField()
    notice_text = serializers.CharField(source="wording")
    notice_language = serializers.CharField(source="language")
    collection_method = serializers.CharField(source="channel")

    def get_purpose(self, event) -> str:
        return event.purpose.name()

    def get_event_state(self, event) -> str:
        return "given" if event.action == "granted" else "withdrawn"

    def get_notice_id(self, event) -> str:
        return f"privacy-policy-v{event.policy_version.number}"


class LookupAnswerSerializer(serializers.Serializer):
    schema_version = serializers.CharField()
    consents = ConsentRecordSerializer(many=True)


class SuppressionPageSerializer(serializers.Serializer):
    channel = serializers.CharField()
    algorithm = serializers.CharField()
    salt = serializers.CharField()
    results = serializers.ListField(child=serializers.CharField())
    next = serializers.CharField(allow_null=True)
