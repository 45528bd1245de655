"""What a file's bytes say it is, checked before any parser sees it.

A file's first bytes name its real type (a PNG renamed ``.csv`` is called a
PNG); a password-protected workbook is called encrypted, not "a legacy
Office document"; a ZIP container (XLSX, ODS) whose members would expand past
:data:`MAX_UNZIPPED_BYTES`, or by more than :data:`MAX_ZIP_RATIO` times, is
refused before it is opened (a "zip bomb"). A CSV's text encoding is
settled in :mod:`inspection_analysis.io.delimited`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from inspection_analysis.errors import AuditDataError, Problem

__all__ = ["MAX_UNZIPPED_BYTES", "MAX_ZIP_RATIO", "SUPPORTED_SUFFIXES", "check_container", "fail"]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".xls", ".ods", ".parquet")

#: A workbook whose ZIP members would expand to more than this is refused unopened (a quarterly workbook of a
#: few thousand rows is a few MiB).
MAX_UNZIPPED_BYTES = 256 * 2**20
#: ... and so is one that expands more than this many times its size on disk, once past 16 MiB expanded.
MAX_ZIP_RATIO = 100

_MAGIC = {  # what the first bytes say a file really is
    b"PK\x03\x04": "a ZIP container (an XLSX, ODS or DOCX document)",
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "a legacy Office document (XLS or DOC)",
    b"PAR1": "a Parquet file",
    b"\xff\xd8\xff": "a JPEG image",
}
_EXPECTED_MAGIC = {".xlsx": b"PK\x03\x04", ".ods": b"PK\x03\x04", ".xls": b"\xd0\xcf\x11\xe0", ".parquet": b"PAR1"}
#: An encrypted XLSX or ODS saved by Excel is an OLE compound file holding a stream of this name (MS-OFFCRYPTO 2.3.4).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_ENCRYPTED = ("an encrypted (password-protected) workbook", "a workbook without a password: open it in Excel, "
              "clear the password under File > Info > Protect Workbook > Encrypt with Password, and save it again")


def fail(name: str, expected: str, value: str | None = None, row: int | None = None) -> AuditDataError:
    """An :class:`AuditDataError` holding one problem with the file ``name``."""
    return AuditDataError([Problem(name, row, None, value, expected)])


def check_container(path: Path, head: bytes) -> None:
    """Raise :class:`AuditDataError` if ``path`` is not what its suffix says, or is encrypted or a zip bomb.

    ``head`` is the file's first bytes (at least 8). A CSV is checked here
    only for other files' signatures.
    """
    name, suffix = path.name, path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise fail(name, "a CSV, XLSX, XLS, ODS or Parquet file", f"file type {suffix or '(none)'!r}")
    if not head:
        raise fail(name, "a header row and at least one case row", "an empty file (0 bytes)")
    found = next((what for magic, what in _MAGIC.items() if head.startswith(magic)), None)
    if found is not None and head.startswith(b"\xd0\xcf\x11\xe0") and _ENCRYPTED_STREAM in path.read_bytes():
        raise fail(name, _ENCRYPTED[1], _ENCRYPTED[0])
    if suffix == ".csv":
        if found is not None:
            raise fail(name, "a CSV text file", f"{found} named .csv")
    elif not head.startswith(_EXPECTED_MAGIC[suffix]):
        raise fail(name, f"a real {suffix} file", f"{found or 'other content'} named {suffix}")
    elif suffix in (".xlsx", ".ods"):
        _check_zip(path)


def _check_zip(path: Path) -> None:
    """Refuse a ZIP container whose members would expand too far, from the sizes its directory declares.

    Python's :mod:`zipfile` never expands a member past its declared size
    (a member that tries fails its CRC check), so the declared sizes bound
    what opening the workbook can cost.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise fail(path.name, f"a readable {path.suffix.lower()} file", f"a damaged ZIP container ({exc})") from None
    ratio = expanded / max(path.stat().st_size, 1)
    if expanded > MAX_UNZIPPED_BYTES or (expanded > 16 * 2**20 and ratio > MAX_ZIP_RATIO):
        raise fail(path.name, f"a workbook that expands to at most {MAX_UNZIPPED_BYTES // 2**20} MiB and at most "
                   f"{MAX_ZIP_RATIO} times its size (refused unopened: it could exhaust memory)",
                   f"a workbook of {path.stat().st_size:,} bytes that expands to {expanded:,} bytes ({ratio:,.0f} times)")
