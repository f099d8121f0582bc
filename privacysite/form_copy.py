"""Forms that copy their fields the way Django does, without ``copy.deepcopy``'s machinery.

Every form instance starts with ``copy.deepcopy(self.base_fields)``, so that one request's
changes to its fields never reach another's. For a public form that is the largest single
cost of a POST: the generic deep copy goes through ``__reduce_ex__`` for each field and
widget, and deep-copies every lazy label of a ChoiceField's choices.

``FieldCopyingForm`` keeps the same guarantee with a direct copy of what Django's own
``Field.__deepcopy__``, ``ChoiceField.__deepcopy__``, ``Widget.__deepcopy__`` and
``ChoiceWidget.__deepcopy__`` copy: a new field and widget, their own ``attrs``,
``error_messages``, ``validators`` and list of choices. The choices' ``(value, label)``
pairs are shared: they are tuples of strings and lazy strings, which nothing changes in
place. A field or widget of any other class (a ModelChoiceField copies its queryset, a
MultiValueField its subfields) and choices of any other shape are copied by Django, as
before.
"""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.widgets import ChoiceWidget, Widget

_FIELD_COPY = forms.Field.__deepcopy__
_CHOICE_FIELD_COPY = forms.ChoiceField.__deepcopy__
_WIDGET_COPY = Widget.__deepcopy__
_CHOICE_WIDGET_COPY = ChoiceWidget.__deepcopy__


def _flat(choices) -> bool:
    """A list of (value, label) pairs, none of them a group (a group's options are a list)."""
    return type(choices) is list and all(
        type(choice) is tuple and len(choice) == 2 and not isinstance(choice[1], list | tuple)
        for choice in choices
    )


def field_copy(field, memo=None):
    """``copy.deepcopy(field)`` for Django's own field and widget classes, done directly.

    What ``copy.copy`` does for a field or widget (a new instance with a copy of the same
    ``__dict__``), then what their ``__deepcopy__`` copies on top."""
    memo = {} if memo is None else memo
    field_class, widget = type(field), field.widget
    widget_class = type(widget)
    field_copies, widget_copies = field_class.__deepcopy__, widget_class.__deepcopy__
    if not (
        (
            field_copies is _FIELD_COPY
            or (field_copies is _CHOICE_FIELD_COPY and _flat(field._choices))
        )
        and (
            widget_copies is _WIDGET_COPY
            or (widget_copies is _CHOICE_WIDGET_COPY and _flat(widget._choices))
        )
    ):
        return copy.deepcopy(field, memo)
    widget_state = widget.__dict__.copy()
    widget_state["attrs"] = widget.attrs.copy()
    if widget_copies is _CHOICE_WIDGET_COPY:
        widget_state["_choices"] = list(widget._choices)
    new_widget = object.__new__(widget_class)
    new_widget.__dict__ = widget_state
    state = field.__dict__.copy()
    state["widget"] = new_widget
    state["error_messages"] = field.error_messages.copy()
    state["validators"] = field.validators[:]
    if field_copies is _CHOICE_FIELD_COPY:
        state["_choices"] = list(field._choices)
    new = object.__new__(field_class)
    new.__dict__ = state
    memo[id(field)] = new
    return new


class CopiedFields(dict):
    """A form class's ``base_fields``: its deep copy (one per form instance) is ``field_copy``."""

    def __deepcopy__(self, memo):
        return {name: field_copy(field, memo) for name, field in self.items()}


class FieldCopyingMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_fields = CopiedFields(new_class.base_fields)
        return new_class


_CLEAN_BOUND_FIELD = forms.Field._clean_bound_field
_GET_BOUND_FIELD = forms.Field.get_bound_field


class FieldCopyingForm(forms.Form, metaclass=FieldCopyingMetaclass):
    """A Form whose instances copy their fields with ``field_copy``, and clean them without a
    BoundField where none is needed."""

    def _clean_fields(self):
        """Django's loop (``BaseForm._clean_fields``), where a field whose cleaning only takes
        the widget's value (an enabled field of a class that keeps Django's
        ``_clean_bound_field`` and ``BoundField``) is given that value directly: building a
        BoundField per field was a tenth of an accepted form's work. Any other field is
        cleaned through its BoundField, as Django does. (An invalid form builds them anyway
        when it is shown again.)"""
        direct = self.bound_field_class is None
        for name, field in self.fields.items():
            try:
                if (
                    direct
                    and not field.disabled
                    and field.bound_field_class is None
                    and type(field)._clean_bound_field is _CLEAN_BOUND_FIELD
                    and type(field).get_bound_field is _GET_BOUND_FIELD
                ):
                    value = field.clean(
                        self._widget_data_value(field.widget, self.add_prefix(name))
                    )
                else:
                    value = field._clean_bound_field(self[name])
                self.cleaned_data[name] = value
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as e:
                self.add_error(name, e)
