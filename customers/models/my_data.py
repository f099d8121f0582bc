"""The customer's way in to /my-data/: asked-for links waiting for the worker, and the
sessions that spent a link."""

from django.db import models
from django.utils import timezone


class MyDataLinkRequest(models.Model):
    """A link asked for on /my-data/, waiting for the worker. The request stores this row for
    any address (known or not) and the worker decides whether a customer gets a link, so the
    page does the same work either way. Holds the address's blind index only; deleted by the
    worker."""

    email_index = models.CharField(max_length=64)
    language = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"my-data link request {self.pk}"


class MyDataSessionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True, expires_at__gt=timezone.now())


class MyDataSession(models.Model):
    """One visit to /my-data/, begun by spending an emailed link (each link once: its nonce is
    unique here) and ended by signing out or by time. The browser's cookie holds a random
    key; only its SHA-256 is stored, so the table cannot be used to sign in."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    link_nonce = models.CharField(max_length=64, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MyDataSessionQuerySet.as_manager()

    def __str__(self):
        return f"my-data session {self.pk}"
