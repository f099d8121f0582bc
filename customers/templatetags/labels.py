"""Template filters: a field's label instead of its name (``{{ name|field_label }}``)."""

from django import template

from customers.core import labels
from privacysite import display

register = template.Library()


@register.filter
def field_label(name):
    return labels.field_label(str(name))


@register.filter
def field_labels(names):
    return labels.field_labels(names)


@register.filter
def money(value):

    return display.money(value)
