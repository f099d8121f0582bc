from django.conf import settings


def organisation(request):
    """The organisation's identity, for the footer and every page that names the controller."""
    return {"organisation": settings.ORGANISATION}


def language_switch(request):
    """Where the language switcher returns: this page's address in the default language.

    set_language runs at the unprefixed /i18n/setlang/, so in the default language, and there
    translates that address into the chosen one (``/privacy/`` → ``/en/privacy/`` and back)."""
    from django.urls import translate_url

    return {"language_next": translate_url(request.get_full_path(), settings.LANGUAGE_CODE)}
