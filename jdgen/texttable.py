"""Plain-text tables for the terminal (list, compare, coverage)."""

from __future__ import annotations

import shutil
import textwrap


def table(rows: list[list[str]], headers: list[str], wrap_last: bool = True) -> str:
    """A plain-text table; the last column wraps to the terminal width."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    total = shutil.get_terminal_size((120, 24)).columns
    if wrap_last and len(headers) > 1:
        widths[-1] = max(30, min(widths[-1], total - sum(widths[:-1]) - 2 * (len(headers) - 1)))
    lines = []
    for row in [headers, ["-" * w for w in widths], *rows]:
        cells = [str(c) for c in row]
        last = textwrap.wrap(cells[-1], widths[-1]) or [""]
        lead = "  ".join(c.ljust(w) for c, w in zip(cells[:-1], widths[:-1], strict=True))
        pad = " " * (len(lead) + 2) if lead else ""
        lines.append((lead + "  " if lead else "") + last[0])
        lines += [pad + more for more in last[1:]]
    return "\n".join(line.rstrip() for line in lines)
