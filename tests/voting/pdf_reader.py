"""Reading a PDF back with a real parser (pypdf): its text, and the fonts it embeds."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _descriptor(font: Any) -> Any:
    if "/DescendantFonts" in font:  # a composite (Type 0) font: the glyphs are in its descendant
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    return descriptor.get_object() if descriptor is not None else None


def embedded_fonts(content: bytes) -> dict[str, bool]:
    """Every font the pages use, by name without the subset prefix ("Noto-Serif-CJK-SC"), and
    whether its glyphs are embedded (a FontFile, FontFile2 or FontFile3 stream)."""
    reader = PdfReader(io.BytesIO(content))
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None or "/Font" not in resources:
            continue
        for ref in resources["/Font"].values():
            font = ref.get_object()
            name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            descriptor = _descriptor(font)
            embedded = descriptor is not None and any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            fonts[name] = fonts.get(name, False) or embedded
    return fonts
