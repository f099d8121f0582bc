"""Uploaded files, encrypted, under random names, in a local folder or S3-compatible storage.

Every file a model stores (complaint attachments, written disclosure requests, incident
records) is personal data, so ``STORAGES["default"]`` is this wrapper: the bytes are
encrypted with the field keys (``customers.core.crypto``, rotated with them), the original file
name travels inside the ciphertext, and the stored name is random (``requests/2026/11/<hex>``)
so that neither the folder nor a bucket listing tells anything. The inner storage is the
local ``MEDIA_ROOT`` by default, django-storages' S3 backend when ``MEDIA_S3_BUCKET`` is set:
several machines then share it, and an erasure deletes from it wherever it runs.

Nothing is ever served as it is: ``url()`` points at the staff download view
(``customers.audit.files``), which checks the permission and the row scope, logs the access
and sends the decrypted file as a download under its original name.
"""

import posixpath
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.module_loading import import_string

from customers.core import crypto

MAGIC = b"PSF1"  # format of the plaintext: MAGIC, 2-byte name length, name, content
FERNET_PREFIX = b"gAAAAA"  # every Fernet token starts so (version byte 0x80, base64)


def pack(original_name: str, data: bytes) -> bytes:
    name = original_name.encode("utf-8")[:1000]
    return MAGIC + len(name).to_bytes(2, "big") + name + data


def unpack(payload: bytes) -> tuple[str, bytes]:
    if not payload.startswith(MAGIC):
        raise crypto.DecryptionError("Not a stored file of ours.")
    length = int.from_bytes(payload[4:6], "big")
    return payload[6 : 6 + length].decode("utf-8", "replace"), payload[6 + length :]


def random_name(folder: str) -> str:
    return posixpath.join(folder, secrets.token_hex(16))


@deconstructible
class EncryptedStorage(Storage):
    def __init__(self, inner=None):
        self.inner_config = inner or {"BACKEND": "django.core.files.storage.FileSystemStorage"}

    @cached_property
    def inner(self) -> Storage:
        backend = import_string(self.inner_config["BACKEND"])
        return backend(**self.inner_config.get("OPTIONS", {}))

    def get_available_name(self, name, max_length=None):
        return name  # _save stores under a fresh random name whatever this is

    def _save(self, name, content):
        folder, original = posixpath.split(name)
        if hasattr(content, "seek"):
            content.seek(0)
        data = b"".join(content.chunks())
        given = posixpath.basename(getattr(content, "name", None) or "") or original
        token = crypto.encrypt_bytes(pack(given, data))
        return self.inner.save(random_name(folder), ContentFile(token))

    def read_token(self, name) -> bytes:
        with self.inner.open(name, "rb") as file:
            return file.read()

    def _open(self, name, mode="rb"):
        original, data = unpack(crypto.decrypt_bytes(self.read_token(name)))
        return ContentFile(data, name=posixpath.basename(original))

    def delete(self, name):
        self.inner.delete(name)

    def exists(self, name):
        return self.inner.exists(name)

    def listdir(self, path):
        return self.inner.listdir(path)

    def size(self, name):
        return self.inner.size(name)

    def get_modified_time(self, name):
        return self.inner.get_modified_time(name)

    def url(self, name):
        return reverse("admin:private_file", kwargs={"name": name})
