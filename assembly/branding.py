"""The company's name where staff meet the site's own name: the admin header and the account
an authenticator app shows for the second sign-in step (never the project's name). It is the
company profile's (``customers.core.company.company_name``, cached until the profile is
saved), which starts from the ORG_NAME setting."""

from customers.core.company import company_name


def totp_issuer(device=None) -> str:
    """OTP_TOTP_ISSUER (django-otp calls it with the device): the company's name, without the
    colon an otpauth label cannot hold."""
    return company_name().replace(":", "")


__all__ = ["company_name", "totp_issuer"]
