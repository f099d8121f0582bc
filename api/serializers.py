"""Request and answer shapes. Consent records use the element names of ISO/IEC TS 27560
(consent record information structure) where one applies."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.models import ApiConsentRecord
from customers.consents.records import SCHEMA_VERSION, consent_record_fields
from customers.core.personal_data import normalise_phone

RECORD_SCHEMA = SCHEMA_VERSION


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

    @classmethod
    def validated(cls, data) -> dict:
        """The address of a lookup, or a ValidationError (a 400 problem)."""
        address = cls(data=data)
        address.is_valid(raise_exception=True)
        return address.validated_data


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


class ConsentWriteAcceptedSerializer(serializers.Serializer):
    """The answer to every accepted consent write, the same whether the address names a
    customer or not (it names no record)."""

    status = serializers.ChoiceField(choices=["accepted"])
    purpose = serializers.CharField(help_text="The purpose code sent")
    granted = serializers.BooleanField(help_text="As sent")
    reference = serializers.CharField(help_text="Your reference, as sent", allow_blank=True)


class ConsentRecordSerializer(serializers.Serializer):
    """One purpose's consent, from the ledger event that set it (``consents.records``)."""

    record_id = serializers.IntegerField()
    purpose_id = serializers.CharField()
    purpose = serializers.CharField()
    lawful_basis = serializers.CharField()
    event_state = serializers.ChoiceField(choices=["given", "withdrawn"])
    event_time = serializers.DateTimeField()
    notice_id = serializers.CharField()
    notice_text = serializers.CharField()
    notice_language = serializers.CharField()
    collection_method = serializers.CharField()

    def to_representation(self, event):
        return consent_record_fields(event)


class LookupAnswerSerializer(serializers.Serializer):
    schema_version = serializers.CharField()
    consents = ConsentRecordSerializer(many=True)


class SuppressionPageSerializer(serializers.Serializer):
    channel = serializers.CharField()
    algorithm = serializers.CharField()
    salt = serializers.CharField()
    results = serializers.ListField(child=serializers.CharField())
    next = serializers.CharField(allow_null=True)
