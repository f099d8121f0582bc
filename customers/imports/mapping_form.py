"""The form a person maps a differently laid-out file with: for each template column, a
choice among the file's header names (never a cell's value), pre-filled with the remembered
mapping or a guess; the required columns are marked."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.imports.columns import COLUMNS
from customers.imports.mapping import REQUIRED, guess


class MappingForm(forms.Form):
    def __init__(self, *args, headers: list[str], initial_mapping: dict | None = None, **kw):
        super().__init__(*args, **kw)
        chosen = initial_mapping if initial_mapping is not None else guess(headers)
        choices = [("", _("— not in this file —"))] + [(h, h) for h in headers if h]
        self.keys = {}
        for index, (key, header) in enumerate(COLUMNS):
            name = f"c{index}"
            self.keys[name] = key
            self.fields[name] = forms.ChoiceField(
                label=f"{header} *" if key in REQUIRED else header,
                choices=choices,
                required=key in REQUIRED,
                initial=chosen.get(key, ""),
            )

    def mapping(self) -> dict[str, str]:
        return {self.keys[name]: value for name, value in self.cleaned_data.items() if value}
