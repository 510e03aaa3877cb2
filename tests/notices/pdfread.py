"""Reading our PDFs back: page text, and barcodes decoded from the drawn bars (not from any text)."""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.generic import ContentStream

from notices.barcodes import CB_BARS, CB_START, CB_STOP, code128_decode_widths

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_text(r: PdfReader, index: int) -> str:
    return (r.pages[index].extract_text() or "").replace(" ", "")


def filled_paths(r: PdfReader, index: int) -> list[list[Box]]:
    """Each filled path on the page as the bounding boxes of its subpaths (one SVG <path> = one list)."""
    page = r.pages[index]
    ops = ContentStream(page.get_contents(), r).operations
    paths: list[list[Box]] = []
    sub: list[tuple[float, float]] = []
    current: list[Box] = []

    def close() -> None:
        nonlocal sub
        if sub:
            xs, ys = [p[0] for p in sub], [p[1] for p in sub]
            if max(xs) > min(xs) and max(ys) > min(ys):  # a bare moveto draws nothing
                current.append((min(xs), min(ys), max(xs), max(ys)))
        sub = []

    for args, op in ops:
        op = op.decode() if isinstance(op, bytes) else op
        if op == "m":
            close()
            sub = [(float(args[0]), float(args[1]))]
        elif op == "l":
            sub.append((float(args[0]), float(args[1])))
        elif op == "re":
            close()
            x, y, w, h = (float(a) for a in args)
            current.append((x, y, x + w, y + h))
        elif op == "h":
            close()
        elif op in ("f", "f*", "F", "B", "B*"):
            close()
            if current:
                paths.append(current)
            current = []
        elif op in ("n", "S", "s"):
            sub, current = [], []
    return paths


def customer_barcodes(r: PdfReader, index: int) -> list[list[str]]:
    """Every Japan Post customer barcode on the page, decoded to its 21 symbols (data + check digit)."""
    by_bars = {v: k for k, v in CB_BARS.items()}
    found = []
    for boxes in filled_paths(r, index):
        if len(boxes) != 67:
            continue
        boxes = sorted(boxes, key=lambda b: b[0])
        top = min(b[1] for b in boxes)
        bottom = max(b[3] for b in boxes)
        mid = (top + bottom) / 2
        states = []
        for _x0, y0, _x1, y1 in boxes:
            reaches_top = y0 <= top + (bottom - top) * 0.1
            reaches_bottom = y1 >= bottom - (bottom - top) * 0.1
            if reaches_top and reaches_bottom:
                states.append("F")
            elif reaches_top:
                states.append("A")
            elif reaches_bottom:
                states.append("D")
            else:
                assert y0 < mid < y1
                states.append("T")
        bars = "".join(states)
        if bars[:2] != CB_START:  # drawn upside down in PDF space: ascender and descender swap
            bars = bars.translate(str.maketrans("AD", "DA"))
        assert bars[:2] == CB_START, bars
        assert bars[-2:] == CB_STOP, bars
        body = bars[2:-2]
        found.append([by_bars[body[i : i + 3]] for i in range(0, len(body), 3)])
    return found


def code128_values(r: PdfReader, index: int) -> list[str]:
    """Every Code 128 barcode on the page, decoded from bar positions and widths."""
    out = []
    for boxes in filled_paths(r, index):
        if len(boxes) < 20 or len(boxes) == 67 or (len(boxes) - 4) % 3:
            continue
        heights = {round(b[3] - b[1], 3) for b in boxes}
        if len(heights) != 1:
            continue
        boxes = sorted(boxes, key=lambda b: b[0])
        module = min(b[2] - b[0] for b in boxes)
        widths: list[int] = []
        for i, (x0, _y0, x1, _y1) in enumerate(boxes):
            if i:
                widths.append(round((x0 - boxes[i - 1][2]) / module))
            widths.append(round((x1 - x0) / module))
        try:
            out.append(code128_decode_widths(widths))
        except (ValueError, KeyError):
            continue
    return out
