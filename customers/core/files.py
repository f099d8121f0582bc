"""Stored files: bring every one under the newest key (and encrypt those stored in clear
by earlier versions), and find the row a stored name belongs to.

A file is never rewritten in place: the new ciphertext goes under a new random name, the row
is switched to it only if it still names the old file (compare-and-set, so a concurrent
change wins), and only then is the old file deleted. A crash leaves at worst an orphan, which
``after_restore``'s orphan sweep or the next run removes; never a row without its file.
"""

import logging
import posixpath
from dataclasses import dataclass

from django.apps import apps
from django.core.files.base import ContentFile
from django.db.models import FileField

from customers.core import crypto
from customers.core.storage import FERNET_PREFIX, EncryptedStorage, pack, random_name

logger = logging.getLogger(__name__)


@dataclass
class FilesReport:
    encrypted: int = 0  # stored in clear before, encrypted now
    rotated: int = 0  # re-encrypted with the newest key
    missing: int = 0  # named by a row, absent from storage


def file_fields():
    """(model, field name) of every file a model stores."""
    return [
        (model, f.name)
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, FileField)
    ]


def files_secure(*, batch_size: int = 200) -> FilesReport:
    report = FilesReport()
    for model, field in file_fields():
        storage = model._meta.get_field(field).storage
        if not isinstance(storage, EncryptedStorage):
            continue
        rows = model._default_manager.exclude(**{field: ""}).values_list("pk", field)
        for pk, name in rows.iterator(chunk_size=batch_size):
            try:
                token = storage.read_token(name)
            except FileNotFoundError:
                report.missing += 1
                continue
            if token.startswith(FERNET_PREFIX):
                if crypto.bytes_with_newest_key(token):
                    continue
                new_token, kind = crypto.rotate_bytes(token), "rotated"
            else:  # written in clear, under the customer's file name, by an earlier version
                original = posixpath.basename(name)
                new_token, kind = crypto.encrypt_bytes(pack(original, token)), "encrypted"
            folder = posixpath.dirname(name)
            new_name = storage.inner.save(random_name(folder), ContentFile(new_token))
            switched = model._default_manager.filter(pk=pk, **{field: name}).update(
                **{field: new_name}
            )
            storage.delete(new_name if not switched else name)
            if switched:
                setattr(report, kind, getattr(report, kind) + 1)
    logger.info(
        "files.secured encrypted=%s rotated=%s missing=%s",
        report.encrypted,
        report.rotated,
        report.missing,
    )
    return report


def file_owner(name: str):
    """(model, queryset of rows naming this file) for every model that could hold it."""
    for model, field in file_fields():
        yield model, model._default_manager.filter(**{field: name})
