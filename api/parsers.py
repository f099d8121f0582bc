"""The one body format the API reads: JSON, refused as a problem (never a server error) when
it cannot be read."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JSONBodyParser(JSONParser):
    """DRF's JSON parser, with its errors in our words: not the decoder's English, and a
    body nested too deeply for the decoder (a ``RecursionError``) a 400 like any other."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("The JSON body is nested too deeply."), code="too-deep") from exc
        except ParseError as exc:
            raise ParseError(_("The body is not valid JSON."), code="parse_error") from exc
