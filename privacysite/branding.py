"""The company's name where staff meet the site's own name: the admin header and the account
an authenticator app shows for the second sign-in step (never the project's name)."""

from django.conf import settings


def company_name() -> str:
    return settings.ORGANISATION.get("name") or ""


def totp_issuer(device=None) -> str:
    """OTP_TOTP_ISSUER (django-otp calls it with the device): the company's name, without the
    colon an otpauth label cannot hold."""
    return company_name().replace(":", "")
