"""Benchmark figures for `manage.py bench --json` (run on the bench database seeded at `scale`).

extract_400k_s              create + set-based extraction + freeze (chunks) of the 65-and-over without this
                            season's flu dose (reminder postcards), at the seeded scale
postcard_pages_per_s_1proc  postcard pages rendered and recorded per second by one worker process (the real
                            chunk service: claim, load, barcodes, WeasyPrint, file, page map, audit)
postcard_pages_per_s_2proc  the same with two processes at once
postcard_pages_per_s_bare   bare WeasyPrint (no Django) on the same HTML and stylesheet
postcard_pages_per_s_bare_gc  the same with the app's GC handling (rendering._cyclic_gc_paused), which bare
                            WeasyPrint lacks: the ratio to it is what the app's own work costs
notice_worker_peak_rss_mb   the largest resident set of those worker processes
postcards_100k_min          100,000 postcards end to end with two workers: extrapolated from the figures above
                            (extraction + 100,000 / measured two-process rate)

With `bench --full` the last figure is measured instead: a real batch of at least 100,000 reminder postcards
(the age window is widened until the cohort is that large) is created, extracted by a Celery worker, confirmed
and printed by two Celery worker processes on a private queue, from the first click to the manifest; then
every target is checked to have exactly one page slot. About half an hour on 2 cores.
postcards_full_targets      the size of that batch (postcards_100k_min is pro-rated to 100,000 from it)
postcards_full_rss_mb       the largest resident set of its worker processes
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from typing import Any

from django.db import connections
from django.utils import timezone

from core.origin import Origin
from notices import rendering, services
from notices.models import NoticeBatch
from ops.bench import notices_full as full_batch

TIMED_CHUNKS = 5  # per process, after one warm-up chunk (a worker lives long: fonts are loaded once)

BARE_SCRIPT = r"""
import json, sys, time
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
html, css_path, rounds, paused_gc = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
text = open(html, encoding="utf-8").read()
fonts = FontConfiguration()
css = CSS(filename=css_path, font_config=fonts)
if paused_gc:  # the app's own GC handling (notices.rendering), to show what the app itself costs
    import gc
    gc.collect(); gc.freeze()
def one():
    if paused_gc:
        gc.disable()
    doc = HTML(string=text, base_url=".").render(stylesheets=[css], font_config=fonts)
    doc.write_pdf()
    if paused_gc:
        gc.enable(); gc.collect()
    return len(doc.pages)
one()
t0 = time.perf_counter(); pages = sum(one() for _ in range(rounds)); dt = time.perf_counter() - t0
print(json.dumps({"pages": pages, "seconds": dt}))
"""


def _render_worker(chunk_ids: list[int], barrier: Any, out: Any) -> None:
    try:
        connections.close_all()
        _check(services.chunk_render(chunk_id=chunk_ids[0]))  # warm-up
        barrier.wait(timeout=600)
        t0 = time.perf_counter()
        for cid in chunk_ids[1:]:
            _check(services.chunk_render(chunk_id=cid))
        out.put(("ok", time.perf_counter() - t0))
    except BaseException:  # the parent must hear about it rather than wait for a result that never comes
        import traceback

        out.put(("error", traceback.format_exc()))
    finally:
        connections.close_all()


def _check(result: str) -> None:
    if result != "done":
        raise RuntimeError(f"chunk not rendered: {result}")


def _render(chunk_groups: list[list[int]]) -> float:
    """Run the groups in parallel processes; return the wall time of the timed part."""
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(chunk_groups))
    out = ctx.Queue()
    connections.close_all()
    procs = [ctx.Process(target=_render_worker, args=(g, barrier, out)) for g in chunk_groups]
    for p in procs:
        p.start()
    results = [out.get(timeout=900) for _ in procs]
    for p in procs:
        p.join()
    errors = [detail for status, detail in results if status != "ok"]
    if errors:
        raise RuntimeError("render process failed:\n" + errors[0])
    return max(detail for _status, detail in results)


def _pages(chunk_ids: list[int]) -> int:
    from notices.models import PrintFile

    return sum(PrintFile.objects.filter(chunk_id__in=chunk_ids).values_list("pages", flat=True))


def run(*, scale: int, stdout: Any, full: bool = False) -> dict[str, float]:
    figures = _run_rates(stdout)
    if full:
        figures.update(full_batch.run(stdout))
    return figures


def _run_rates(stdout: Any) -> dict[str, float]:
    on = timezone.localdate()
    spec = full_batch.flu_reminder(on)
    origin = Origin.command()
    t0 = time.perf_counter()
    batch = services.batch_create(actor=None, origin=origin, spec=spec, source="bench")
    batch = services.batch_extract(batch_id=batch.pk, preview=False)
    batch = services.batch_confirm(batch=batch, actor=None, origin=origin)  # nothing queued: rendered below
    extract_s = time.perf_counter() - t0
    stdout.write(
        f"  notices: extracted {batch.candidates:,}, targets {batch.targets:,}, excluded {batch.counts} "
        f"in {extract_s:.2f} s; harfbuzz-subset {'present' if rendering.harfbuzz_subset_available() else 'MISSING'}\n"
    )
    try:
        chunks = list(batch.chunks.filter(held=False).order_by("no").values_list("pk", flat=True))
        timed = min(TIMED_CHUNKS, len(chunks) // 3 - 1)  # fewer on a small demo city
        if timed < 1:
            raise RuntimeError(f"too few targets for the render bench ({len(chunks)} chunks, 6 needed)")
        n = timed + 1
        one = chunks[:n]
        two = [chunks[n : 2 * n], chunks[2 * n : 3 * n]]
        t1 = _render([one])
        rate1 = _pages(one[1:]) / t1
        t2 = _render(two)
        rate2 = (_pages(two[0][1:]) + _pages(two[1][1:])) / t2
        peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        bare, bare_gc = _bare(batch, chunks[0])
        per_postcard = rendering.PAGES_PER_NOTICE["reminder"]
        minutes_100k = (extract_s + 100_000 / (rate2 / per_postcard)) / 60
        stdout.write(
            f"  notices: 1 proc {rate1:.1f} pages/s, 2 procs {rate2:.1f} pages/s ({rate2 / rate1:.2f}x), "
            f"bare WeasyPrint {bare:.1f} pages/s ({rate1 / bare:.0%} of bare), with the app's GC handling "
            f"{bare_gc:.1f} pages/s ({rate1 / bare_gc:.0%}), peak RSS {peak_rss_mb:.0f} MB; "
            f"postcards_100k_min is extrapolated: extraction + 100,000 postcards at the 2-process rate\n"
        )
        return {
            "extract_400k_s": round(extract_s, 3),
            "postcard_pages_per_s_1proc": round(rate1, 1),
            "postcard_pages_per_s_2proc": round(rate2, 1),
            "postcard_pages_per_s_bare": round(bare, 1),
            "postcard_pages_per_s_bare_gc": round(bare_gc, 1),
            "notice_worker_peak_rss_mb": round(peak_rss_mb, 1),
            "postcards_100k_min": round(minutes_100k, 1),
        }
    finally:
        full_batch.discard(batch.pk)


def _bare(batch: NoticeBatch, chunk_id: int) -> tuple[float, float]:
    """Bare WeasyPrint in a fresh interpreter (no Django), on the HTML of one real chunk: pages per second as
    it comes, and with the app's GC handling."""
    from notices.models import NoticeChunk, NoticeTarget

    chunk = NoticeChunk.objects.get(pk=chunk_id)
    targets = list(
        NoticeTarget.objects.filter(batch=batch, seq__gte=chunk.seq_from, seq__lte=chunk.seq_to).order_by("seq")
    )
    html = rendering.render_html(
        batch.kind, services.notice_contexts(batch, targets, vouchers=None), services.common_context(batch)
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "chunk.html")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(html)
        rates = []
        for paused_gc in ("0", "1"):
            res = subprocess.run(  # noqa: S603 (our own interpreter and script)
                [sys.executable, "-c", BARE_SCRIPT, path, str(rendering.CSS_PATH), str(TIMED_CHUNKS), paused_gc],
                capture_output=True,
                text=True,
                check=True,
                cwd=tmp,
            )
            data = json.loads(res.stdout.strip().splitlines()[-1])
            rates.append(data["pages"] / data["seconds"])
    return rates[0], rates[1]
