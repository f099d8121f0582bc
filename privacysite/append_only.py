"""Append-only tables: evidence that the ORM and the admin can add to but never change."""

from django.db import models


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an append-only row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted.")

    def _privileged_update(self, **kwargs):
        """The named exceptions below (redaction on erasure, sealing) go through here."""
        return models.QuerySet.update(self, **kwargs)


class AppendOnlyModel(models.Model):
    """A row is written once: a second save or a delete raises (an integrity guard)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted.")
