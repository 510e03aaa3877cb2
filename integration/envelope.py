"""The common envelope of every linkage file (docs/formats/file-envelope.md): a control record, a
column header, data records and an end record with the count, in CP932 or UTF-8.

`read_envelope` either returns the records or raises `FeedRejected` with line-numbered Japanese
messages; it never returns half a file.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

ENCODINGS = {"UTF-8": "utf-8", "CP932": "cp932", "SJIS": "cp932", "SHIFT_JIS": "cp932"}
MAX_ERRORS = 200


@dataclass
class LineError:
    line: int | None
    message: str

    def text(self) -> str:
        return f"{self.line}行目: {self.message}" if self.line else self.message

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "message": self.message}


class FeedRejected(Exception):
    """The whole file (or message) is refused; nothing of it is stored."""

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__("\n".join(e.text() for e in errors[:5]))
        self.errors = errors


@dataclass
class Envelope:
    format: str
    version: str
    encoding: str
    created: datetime.datetime
    file_id: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _control(first: bytes, expected_format: str) -> tuple[str, str, str, datetime.datetime, str]:
    try:
        text = first.decode("ascii").strip().lstrip("\ufeff")
    except UnicodeDecodeError:
        raise FeedRejected([LineError(1, "管理レコードが読めません(先頭行は半角英数字の #OKZLINK 行です)。")]) from None
    parts = text.split(",")
    if len(parts) != 6 or parts[0] != "#OKZLINK":
        raise FeedRejected(
            [LineError(1, "管理レコード(#OKZLINK,様式,版,文字コード,作成日時,ファイルID)がありません。")]
        )
    _, fmt, version, encoding, created, file_id = parts
    errors = []
    if fmt != expected_format:
        errors.append(LineError(1, f"様式が {fmt} です。この連携元の様式は {expected_format} です。"))
    if version != "1":
        errors.append(LineError(1, f"様式の版 {version} には対応していません(対応: 1)。"))
    if encoding.upper() not in ENCODINGS:
        errors.append(LineError(1, f"文字コード {encoding} には対応していません(UTF-8 または CP932)。"))
    try:
        # The platform writes local time (JST); only the order of files matters here.
        stamp = datetime.datetime.strptime(created, "%Y%m%d%H%M%S")  # noqa: DTZ007
    except ValueError:
        errors.append(LineError(1, f"作成日時 {created} が YYYYMMDDhhmmss ではありません。"))
        stamp = datetime.datetime.min  # noqa: DTZ901
    if not file_id.strip():
        errors.append(LineError(1, "ファイルIDがありません。"))
    if errors:
        raise FeedRejected(errors)
    return fmt, version, encoding.upper(), stamp, file_id.strip()


def read_envelope(
    data: bytes, *, expected_format: str, allowed: tuple[str, ...], required: tuple[str, ...]
) -> Envelope:
    """Decode, check the control record, the header (no column outside `allowed`, none of `required`
    missing), every record's field count, and the end record's count (a truncated file fails)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise FeedRejected([LineError(None, "ファイルが空です。")])
    raw_lines = data.splitlines()
    fmt, version, encoding, created, file_id = _control(raw_lines[0], expected_format)
    codec = ENCODINGS[encoding]
    if codec == "cp932" and not data.isascii():
        # Japanese CP932 text is practically never valid UTF-8: a file that is, was mislabelled.
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise FeedRejected(
                [
                    LineError(
                        1, "文字コードが CP932 と宣言されていますが、内容は UTF-8 です。文字コードを確認してください。"
                    )
                ]
            )
    try:
        # one decode of the whole file; line by line only to find where a bad byte is
        lines = data.decode(codec).replace("\r\n", "\n").split("\n")
    except UnicodeDecodeError:
        for number, raw in enumerate(raw_lines, start=1):
            try:
                raw.decode(codec)
            except UnicodeDecodeError:
                raise FeedRejected(
                    [
                        LineError(
                            number,
                            f"文字コード {encoding} として読めない文字があります。文字コードを確認してください。",
                        )
                    ]
                ) from None
        raise
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) < 2:
        raise FeedRejected([LineError(2, "項目名の行がありません。")])
    columns = [c.strip() for c in next(csv.reader([lines[1]]))]
    errors: list[LineError] = []
    extra = [c for c in columns if c not in allowed]
    missing = [c for c in required if c not in columns]
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if extra:
        errors.append(LineError(2, f"この様式で認められていない項目があります: {', '.join(extra)}"))
    if missing:
        errors.append(LineError(2, f"必須の項目がありません: {', '.join(missing)}"))
    if dupes:
        errors.append(LineError(2, f"項目名が重複しています: {', '.join(dupes)}"))
    if errors:
        raise FeedRejected(errors)

    last = lines[-1]
    body = lines[2:]
    if not last.startswith("#END"):
        raise FeedRejected(
            [LineError(len(lines), "終了レコード(#END,件数)がありません。ファイルが途中で切れています。")]
        )
    body = lines[2:-1]
    end = last.split(",")
    if len(end) != 2 or not end[1].strip().isdigit():
        raise FeedRejected([LineError(len(lines), "終了レコードの件数が読めません。")])
    if int(end[1]) != len(body):
        raise FeedRejected(
            [
                LineError(
                    len(lines),
                    f"終了レコードの件数 {int(end[1])} 件に対しデータは {len(body)} 件です。"
                    "ファイルが途中で切れています。",
                )
            ]
        )
    env = Envelope(fmt, version, encoding, created, file_id, columns)
    reader = csv.reader(io.StringIO("\n".join(body)))
    for offset, fields in enumerate(reader):
        line_no = offset + 3
        if len(fields) != len(columns):
            errors.append(LineError(line_no, f"項目数が {len(fields)} です({len(columns)} 項目必要です)。"))
            if len(errors) >= MAX_ERRORS:
                break
            continue
        env.rows.append((line_no, {c: v.strip() for c, v in zip(columns, fields, strict=True)}))
    if errors:
        raise FeedRejected(errors)
    return env


def parse_date(text: str) -> datetime.date:
    """YYYYMMDD (the platform's date form); raises ValueError."""
    if len(text) != 8 or not text.isdigit():
        raise ValueError(text)
    return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))


def write_envelope(
    *,
    fmt: str,
    columns: list[str],
    rows: list[list[str]],
    encoding: str = "UTF-8",
    file_id: str,
    created: datetime.datetime,
) -> bytes:
    """The same envelope written out (simulators, the demo's sample files, tests)."""
    out = io.StringIO()
    out.write(f"#OKZLINK,{fmt},1,{encoding},{created:%Y%m%d%H%M%S},{file_id}\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    out.write(f"#END,{len(rows)}\r\n")
    return out.getvalue().encode(ENCODINGS[encoding.upper()])
