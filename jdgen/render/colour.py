"""Colour arithmetic for accessible heatmaps: WCAG 2 relative luminance and contrast ratio, and
the text colour that reads on a given background."""

from __future__ import annotations

DARK = "#212b32"  # body text colour of the documents
MIN_CONTRAST = 4.5  # WCAG 2 AA, normal text


def _rgb(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: str) -> str:
    """The text colour for a background: the documents' dark text or white, whichever has the
    higher contrast; pure black where neither reaches 4.5:1 (black or white always does)."""
    best = max((DARK, "#ffffff"), key=lambda fg: contrast(fg, background))
    if contrast(best, background) >= MIN_CONTRAST:
        return best
    return max(("#000000", "#ffffff"), key=lambda fg: contrast(fg, background))
