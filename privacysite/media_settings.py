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
