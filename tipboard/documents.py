"""PDF documents residents upload (dispute evidence, a legal question's papers): rewritten page by
page into a new file, so the author, the producing software, XMP metadata, attachments, forms'
scripts and anything else outside the pages stay behind, as photos lose their EXIF."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

PDF_MAGIC = b"%PDF-"


class DocumentError(ValueError):
    """Not a PDF we can read (damaged, encrypted), or too many pages."""


def is_pdf(data: bytes) -> bool:
    return data[:5] == PDF_MAGIC


def clean_pdf(data: bytes, max_pages: int = 50) -> bytes:
    """The same pages in a new PDF with no document information or metadata."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DocumentError("encrypted")
        if len(reader.pages) > max_pages:
            raise DocumentError("too_many_pages")
        writer = PdfWriter()
        for page in reader.pages:
            added = writer.add_page(page)
            for key in ("/Metadata", "/PieceInfo", "/AA"):  # per-page metadata and actions
                added.pop(key, None)
        writer.metadata = None
        out = io.BytesIO()
        writer.write(out)
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise DocumentError("unreadable") from exc
    return out.getvalue()
