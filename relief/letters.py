"""Letters to the claimant as PDF (WeasyPrint with the IPAex fonts, Debian fonts-ipaexfont)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.template.loader import render_to_string


@lru_cache(maxsize=1)
def _font_config():  # type: ignore[no-untyped-def]
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(template: str, context: dict[str, Any]) -> tuple[bytes, int]:
    """Render a template to PDF; returns (bytes, page count). No network: base_url is unused."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    document = HTML(string=html, base_url=None).render(font_config=_font_config())
    return document.write_pdf(), len(document.pages)
