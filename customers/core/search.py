"""Staff search customers by part of a name, as they type it (issue 33).

A term matches a name when each of its words is found in the name, both folded
(``customers.core.folding``): without diacritics, the tone mark on either letter, any case,
either Unicode form. Only the name fields the user sees in clear are searched, and each only
among the customers whose field the user sees (``masking.visible_for``): a match on a
masked field would tell its value.

The best matches come first: the whole name, then the term as whole words, then the term at
the start of a word, then inside a word, then its words scattered; a term typed with
diacritics puts the names spelled that way (either tone style) before the others of the same
rank. On PostgreSQL each folded column has a trigram index, which the ``LIKE '%word%'`` of
each word uses; emails, phones and tax codes are never searched here (the blind indexes,
``customers.core.selectors.customers_matching``).
"""

import unicodedata

from django.db.models import Case, F, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat, Least
from django.db.models.lookups import Contains, Exact

from customers.core import masking
from customers.core.folding import fold, tones_new_style, tones_old_style
from customers.core.personal_data import CUSTOMER_FIELDS

SEARCHED = tuple((f.name, f.search_column) for f in CUSTOMER_FIELDS if f.search_column)
NO_MATCH = 5  # the rank of a field the term was not found in


def _words_in(column: str, words: list[str]) -> Q:
    return Q(*(Q(**{f"{column}__contains": word}) for word in words))


def name_search_filter(term: str, fields=None) -> Q:
    """Customers one of whose name fields holds every word of ``term``, folded. ``fields``:
    {field name: Q of the customers whose field may be searched}, every name field of every
    customer by default."""
    words = fold(term).split()
    if fields is None:
        fields = {name: Q() for name, _ in SEARCHED}
    found = Q(pk__in=[])
    if not words:
        return found
    for name, column in SEARCHED:
        if name in fields:
            found |= fields[name] & _words_in(column, words)
    return found


def _has_diacritics(term: str) -> bool:
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", term)) or (
        "đ" in term.casefold()
    )


def _field_rank(name: str, column: str, among: Q, term: str):
    """0 (the whole name) to 4 (words scattered), ``NO_MATCH`` where the term is not in this
    field; doubled, plus one where the term has diacritics and the name is spelled otherwise."""
    folded = fold(term)
    padded = Concat(Value(" "), F(column), Value(" "), output_field=TextField())
    tiers = [
        Exact(F(column), folded),
        Contains(padded, f" {folded} "),
        Contains(padded, f" {folded}"),
        Contains(F(column), folded),
    ]
    if len(folded.split()) > 1:
        tiers.append(_words_in(column, folded.split()))
    rank = Case(
        *(When(among & Q(tier), then=Value(n)) for n, tier in enumerate(tiers)),
        default=Value(NO_MATCH),
        output_field=IntegerField(),
    )
    if not _has_diacritics(term):
        return rank * Value(2)
    typed = " ".join(term.split())
    spelled = Q()
    for variant in {tones_new_style(typed), tones_old_style(typed)}:
        spelled |= Q(**{f"{name}__icontains": variant})
    otherwise = Case(When(spelled, then=Value(0)), default=Value(1), output_field=IntegerField())
    return rank * Value(2) + otherwise


def name_search(queryset, user, term: str):
    """``queryset`` narrowed to the customers whose name, as ``user`` may see it, matches
    ``term``, and the expression ranking them (lower first)."""
    fields = {}
    for name, _ in SEARCHED:
        among = masking.visible_for(user, name)
        if among is not None:
            fields[name] = Q(**among)
    ranks = [
        _field_rank(name, column, fields[name], term) for name, column in SEARCHED if name in fields
    ]
    if not ranks:
        return queryset.none(), Value(0)
    rank = ranks[0] if len(ranks) == 1 else Least(*ranks)
    return queryset.filter(name_search_filter(term, fields)), rank
