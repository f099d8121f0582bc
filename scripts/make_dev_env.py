"""Print a .env for a development install, with keys generated on this machine."""

import secrets

from cryptography.fernet import Fernet

print("# Development settings written by `make run`. Never use these in production.")
print("DEBUG=True")
print(f"SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"FIELD_ENCRYPTION_KEYS={Fernet.generate_key().decode()}")
print(f"BLIND_INDEX_KEY={secrets.token_urlsafe(32)}")
