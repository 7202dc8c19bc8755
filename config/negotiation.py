"""Content negotiation for the API: DRF's, without its parsing where the answer is known.

Nearly every client sends no ``Accept`` header, ``*/*``, or exactly ``application/json``; for
those DRF always picks the view's first renderer, after parsing the header into media types,
which costs as much as authenticating the call. Those requests get that answer directly; any
other ``Accept`` header, or a ``?format=`` override, goes through DRF's own negotiation. A body
sent as exactly the first parser's type gets that parser the same way.
"""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def select_parser(self, request, parsers):
        first = parsers[0] if parsers else None
        if first is not None and request.content_type == first.media_type:
            return first  # what DRF's matching answers for exactly this type
        return super().select_parser(request, parsers)

    def select_renderer(self, request, renderers, format_suffix=None):
        first = renderers[0] if renderers else None
        if (
            first is not None
            and not format_suffix
            and request.META.get("HTTP_ACCEPT", "*/*") in ("*/*", first.media_type)
            and (
                not request.META.get("QUERY_STRING")  # nothing to parse, so no ?format=
                or self.settings.URL_FORMAT_OVERRIDE not in request.query_params
            )
        ):
            return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
