"""Print-ready PDFs with WeasyPrint.

Measured on the project machine (see ops/bench/notices.py): one FontConfiguration and the parsed stylesheet
kept for the worker process's life, batches of notices per PDF rather than one PDF per notice, barcodes as one
SVG path each, IPAex fonts (Debian fonts-ipaexfont) and HarfBuzz subsetting (libharfbuzz-subset0: without it
WeasyPrint falls back to fontTools, several times slower, with only a warning — `harfbuzz_subset_available`
lets the bench and the tests check it).
"""

from __future__ import annotations

import contextlib
import ctypes.util
import functools
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import engines

PAGES_PER_NOTICE = {"guide": 2, "reminder": 2, "survey": 2}
TEMPLATES = {
    "guide": "notices/pdf/guide.html",
    "reminder": "notices/pdf/postcard.html",
    "survey": "notices/pdf/survey.html",
}
CSS_PATH = Path(settings.BASE_DIR) / "templates" / "notices" / "pdf" / "notice.css"


class PageCountMismatch(RuntimeError):
    """A notice overflowed its pages: the page map would be wrong, so the file is refused."""


def harfbuzz_subset_available() -> bool:
    return ctypes.util.find_library("harfbuzz-subset") is not None


@functools.cache
def _weasy() -> tuple[Any, Any]:
    """FontConfiguration + parsed CSS, once per process (a worker renders thousands of pages with them)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(string=CSS_PATH.read_text(encoding="utf-8"), font_config=fonts)
    # What exists now (Django, the app, fonts, stylesheet) lives as long as the worker: keep it out of the
    # cyclic collector's scans (gc.freeze), which otherwise walk all of it on every full pass.
    gc.collect()
    gc.freeze()
    return fonts, css


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """WeasyPrint allocates millions of short-lived objects per print file, and the cyclic collector ran
    hundreds of times per file. Paused during one render and run once after, the same chunks printed 28% faster
    (6 chunks of 200 postcard pages: 21.2 s -> 15.3 s) with the same peak memory (226 vs 223 MB): rendering
    frees its objects by reference counting; the few cycles are collected right after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


_IMAGE_CACHE: dict[str, Any] = {}  # images decoded once per worker process (the QR code on every notice)


@functools.cache
def _template(kind: str) -> Any:
    return engines["django"].get_template(TEMPLATES[kind])


def render_html(kind: str, notices: list[dict[str, Any]], common: dict[str, Any]) -> str:
    return _template(kind).render({"notices": notices, **common})


def html_to_pdf(html: str, *, expected_pages: int | None = None) -> tuple[bytes, int]:
    from weasyprint import HTML

    fonts, css = _weasy()
    with _cyclic_gc_paused():
        doc = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
            stylesheets=[css], font_config=fonts, cache=_IMAGE_CACHE
        )
        pages = len(doc.pages)
        if expected_pages is not None and pages != expected_pages:
            raise PageCountMismatch(f"{pages} pages rendered, {expected_pages} expected")
        return doc.write_pdf(), pages


def render_pdf(kind: str, notices: list[dict[str, Any]], common: dict[str, Any]) -> tuple[bytes, int]:
    """One PDF for a run of notices; every notice has exactly PAGES_PER_NOTICE[kind] pages."""
    html = render_html(kind, notices, common)
    return html_to_pdf(html, expected_pages=len(notices) * PAGES_PER_NOTICE[kind])
