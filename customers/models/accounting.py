from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.core.fields import EncryptedTextField


class AccountingDocument(models.Model):
    """An accounting document naming a customer, kept for its legal period (docs/legal.md §12).

    The buyer's details are stored as printed on the document: they stay with the document
    for its own retention period even after the customer profile is erased.
    """

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CONTRACT = "contract", _("Contract")
        RECEIPT = "receipt", _("Receipt")
        PAYMENT_VOUCHER = "payment_voucher", _("Payment voucher")

    class RetentionClass(models.TextChoices):
        # Accounting Law 88/2015 Art 41(5); Decree 174/2016 Arts 12-14.
        YEARS_5 = "acc_5y", _("5 years")
        YEARS_10 = "acc_10y", _("10 years")
        PERMANENT = "acc_permanent", _("Permanent")

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="accounting_documents",
        verbose_name=_("customer"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=50)
    issued_on = models.DateField(_("date"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    amount = models.DecimalField(_("amount (VND)"), max_digits=15, decimal_places=0)
    retention_class = models.CharField(
        _("retention class"),
        max_length=16,
        choices=RetentionClass.choices,
        # Unknown document types default to 10 years (Decree 174/2016 Art 13(7)).
        default=RetentionClass.YEARS_10,
    )
    # The buyer may be a person, and the document outlives the customer's erasure by years.
    buyer_name = EncryptedTextField(_("buyer name"))
    buyer_tax_code = EncryptedTextField(_("buyer tax code"), blank=True)
    buyer_address = EncryptedTextField(_("buyer address"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    import_batch = models.ForeignKey(
        "customers.ImportBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("imported by"),
    )

    class Meta:
        verbose_name = _("accounting document")
        verbose_name_plural = _("accounting documents")
        ordering = ["-issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="accounting_document_unique")
        ]
        indexes = [models.Index(fields=["fiscal_year", "retention_class"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"
