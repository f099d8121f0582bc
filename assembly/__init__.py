"""The top of the import graph: where the apps are put together. The staff admin site (its
TOTP and agreement gate, the data-protection officer's home, the logged autocomplete and file
downloads) and the operator's /status and /metrics import customers, consents and dpo;
nothing imports this package (``privacysite`` names its modules by dotted path, as Django's
configuration does). See docs/design.md, "The import rule"."""
