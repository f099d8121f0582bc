"""Where uploaded files are stored (read by settings.py; no Django import here).

https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
"""


def media_storage(env) -> dict:
    """STORAGES["default"]: encrypted files (customers.core.storage) in MEDIA_ROOT, or in an
    S3-compatible bucket when MEDIA_S3_BUCKET is set (several machines share it)."""
    bucket = env.str("MEDIA_S3_BUCKET", default="")
    inner = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if bucket:
        inner = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
                "region_name": env.str("MEDIA_S3_REGION", default="") or None,
                "access_key": env.str("MEDIA_S3_ACCESS_KEY", default="") or None,
                "secret_key": env.str("MEDIA_S3_SECRET_KEY", default="") or None,
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
    return {"BACKEND": "customers.core.storage.EncryptedStorage", "OPTIONS": {"inner": inner}}


def journal_storage(env) -> dict | None:
    """STORAGES["journal"]: the erasure journal in the object store every node shares, when
    ERASURE_JOURNAL_URL is ``s3://bucket/prefix`` (privacysite.journal); the connection is the
    object store's (MEDIA_S3_ENDPOINT_URL, _REGION, _ACCESS_KEY, _SECRET_KEY). None: the
    local folder of ERASURE_JOURNAL (``make run``)."""
    url = env.str("ERASURE_JOURNAL_URL", default="")
    if not url:
        return None
    scheme, _, rest = url.partition("://")
    bucket, _, prefix = rest.partition("/")
    if scheme != "s3" or not bucket:
        raise ValueError("ERASURE_JOURNAL_URL must be s3://BUCKET/PREFIX")
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": prefix.strip("/"),
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            "access_key": env.str("MEDIA_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("MEDIA_S3_SECRET_KEY", default="") or None,
            "default_acl": "private",
            # Names are unique: no existence check before each write (one request less).
            "file_overwrite": True,
            # An unreachable store fails the erasure within seconds, not minutes.
            # A restore reads entries 16 at a time (privacysite.journal_store.READERS).
            "client_config": Config(
                connect_timeout=5,
                read_timeout=15,
                retries={"max_attempts": 3, "mode": "standard"},
                max_pool_connections=20,
            ),
        },
    }
