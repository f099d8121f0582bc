"""Where the erasure journal's entries live: one object per entry in the shared object store,
or one file per entry in a local folder (``make run``), behind the same four methods.

An entry's name is ``<UTC time>-<kind>-<unique part>``: names sort by time, the kind can be
filtered on without reading the entry, and two writers (two machines, two workers) never
pick the same name, so nothing is ever overwritten and no lock is needed anywhere. A restore
lists the names and reads every entry.
"""

import datetime
import hashlib
import json
import logging
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.core.files.base import ContentFile

logger = logging.getLogger(__name__)

SUFFIX = ".json"
READERS = 16  # entries fetched at once from the object store (one GET each)


def entry_name(kind: str, at: datetime.datetime, unique: str | None = None) -> str:
    stamp = at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    return f"{stamp}-{kind.replace('-', '_')}-{unique or secrets.token_hex(8)}"


def name_kind(name: str) -> str:
    parts = name.split("-", 2)
    return parts[1] if len(parts) == 3 else ""


def legacy_name(line: str) -> str | None:
    """A stable name for a line of a single-file journal of an earlier version: the same
    line always gets the same name (a backup's mark may name it; an import is repeatable)."""
    try:
        entry = json.loads(line)
        at = datetime.datetime.fromisoformat(entry["at"])
        kind = entry["kind"]
    except (ValueError, KeyError, TypeError):
        return None
    return entry_name(kind, at, hashlib.sha256(line.encode()).hexdigest()[:16])


def legacy_entries(path: Path) -> dict[str, bytes]:
    """The lines of an old ``erasures.jsonl``, by name (a line cut short by a crash is
    skipped with a warning: its erasure never committed, the journal is written first)."""
    entries = {}
    with path.open(encoding="ascii", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\n")
            name = legacy_name(line)
            if name is None:
                logger.warning("journal.unreadable_line path=%s line=%s", path, number)
                continue
            entries[name] = line.encode("ascii")
    return entries


class FolderStore:
    """A local folder, one file per entry, each created exclusively, 0600, fsynced with its
    folder before ``write`` returns. An old single-file journal (``legacy``) is read too."""

    def __init__(self, folder: Path, legacy: Path | None = None):
        self.folder = Path(folder)
        self.legacy = Path(legacy) if legacy else None
        self._legacy_entries = None

    def __str__(self):
        return str(self.folder)

    def exists(self) -> bool:
        return self.folder.is_dir() or bool(self.legacy and self.legacy.is_file())

    def write(self, name: str, data: bytes) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.folder / (name + SUFFIX), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        folder = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(folder)  # the new name is durable too
        finally:
            os.close(folder)

    def _legacy(self) -> dict[str, bytes]:
        if self._legacy_entries is None:
            has = self.legacy and self.legacy.is_file()
            self._legacy_entries = legacy_entries(self.legacy) if has else {}
        return self._legacy_entries

    def names(self) -> list[str]:
        own = []
        if self.folder.is_dir():
            own = [n[: -len(SUFFIX)] for n in os.listdir(self.folder) if n.endswith(SUFFIX)]
        return sorted({*own, *self._legacy()})

    def read(self, names: list[str]) -> list[bytes]:
        legacy = self._legacy()
        return [
            legacy[name] if name in legacy else (self.folder / (name + SUFFIX)).read_bytes()
            for name in names
        ]


class StorageStore:
    """A Django storage (``STORAGES["journal"]``: django-storages' S3 backend in production,
    the bucket versioned and object-locked): one object per entry, under its ``location``."""

    def __init__(self, storage):
        self.storage = storage

    def __str__(self):
        bucket = getattr(self.storage, "bucket_name", None)
        location = getattr(self.storage, "location", "")
        return f"s3://{bucket}/{location}" if bucket else repr(self.storage)

    def exists(self) -> bool:
        return bool(self.names())

    def write(self, name: str, data: bytes) -> None:
        saved = self.storage.save(name + SUFFIX, ContentFile(data))
        if saved != name + SUFFIX:  # never renamed: the name is the entry's identity
            raise OSError(f"journal entry stored as {saved}, not {name}")

    def names(self) -> list[str]:
        _folders, files = self.storage.listdir("")
        return sorted(n[: -len(SUFFIX)] for n in files if n.endswith(SUFFIX))

    def _read_one(self, name: str) -> bytes:
        with self.storage.open(name + SUFFIX, "rb") as file:
            return file.read()

    def read(self, names: list[str]) -> list[bytes]:
        if len(names) < 2:
            return [self._read_one(name) for name in names]
        with ThreadPoolExecutor(READERS) as pool:
            return list(pool.map(self._read_one, names))
