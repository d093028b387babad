"""Table structure from a page image: ruling lines -> a grid of cells with their spans.

Scanned reports print their tables with ruled grids, so the structure comes from the lines,
not from where the OCR engine puts its text boxes (which merge across narrow cells). Lines are
found with morphology (OpenCV, which the OCR engine brings): long thin runs of ink. The grid is
every distinct horizontal and vertical line position in a table; two neighbouring grid cells
with no line between them are one merged cell. A table's rows are returned the way readers
give them (parsers/document.py): each cell once, in the row it starts in.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# A ruling line is at least this share of the page width (or height) long: longer than any
# stroke of a character, shorter than the narrowest cell side of a statistics table.
_LINE_SHARE = 0.025
_MIN_TABLE_SHARE = 0.15  # a table is at least this share of the page width wide
_BORDER_COVER = 0.6  # share of a grid cell's side that must be ruled to count as a border
_INK_COVER = 0.95  # or the share of it in ink of any kind
_MAX_SKEW_DEGREES = 5.0


@dataclass(frozen=True)
class Box:
    top: int
    left: int
    bottom: int
    right: int


@dataclass
class GridTable:
    box: Box
    rows: list[list[Box]]  # each merged cell once, in the row it starts in, left to right


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Dark pixels as 255 (Otsu's threshold: scans vary in paper tone and contrast)."""
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def deskew(gray: np.ndarray) -> np.ndarray:
    """The page turned so its long horizontal lines are level (a scan's few degrees of skew
    would otherwise break each ruling line into steps). The angle is the median slope of the
    long runs of ink (table rules, underlines) fitted by least squares."""
    height, width = gray.shape
    rules = _line_mask(ink_mask(gray), horizontal=True, share=0.02)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rules)
    angles = []
    for label in np.flatnonzero(stats[:, cv2.CC_STAT_WIDTH] > width // 8)[:40]:
        if label == 0:
            continue
        ys, xs = np.nonzero(labels == label)
        angles.append(np.degrees(np.arctan(np.polyfit(xs, ys, 1)[0])))
    angle = float(np.median([a for a in angles if abs(a) < _MAX_SKEW_DEGREES] or [0.0]))
    if abs(angle) < 0.05:
        return gray
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(gray, turn, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def _line_mask(ink: np.ndarray, *, horizontal: bool, share: float = _LINE_SHARE) -> np.ndarray:
    length = max(8, int((ink.shape[1] if horizontal else ink.shape[0]) * share))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)


def find_tables(ink: np.ndarray) -> tuple[list[GridTable], np.ndarray]:
    """The ruled tables of a page, top to bottom, and the mask of their ruling lines."""
    horizontal = _line_mask(ink, horizontal=True)
    vertical = _line_mask(ink, horizontal=False)
    rules = cv2.dilate(horizontal | vertical, np.ones((3, 3), np.uint8))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(rules)
    tables = []
    for left, top, width, height, _area in stats[1:count]:
        if width < _MIN_TABLE_SHARE * ink.shape[1] or height < 3 * _line_thickness(ink):
            continue
        box = Box(int(top), int(left), int(top + height), int(left + width))
        inside = (slice(box.top, box.bottom), slice(box.left, box.right))
        grid = _grid(horizontal[inside], vertical[inside], ink[inside], box,
                     _LINE_SHARE * min(ink.shape))
        if grid is not None:
            tables.append(grid)
    tables.sort(key=lambda table: table.box.top)
    return tables, rules


def _line_thickness(ink: np.ndarray) -> int:
    return max(2, ink.shape[1] // 600)


def _positions(profile: np.ndarray, minimum: float) -> list[int]:
    """Centres of the runs of a projection profile at or over `minimum`."""
    on = np.flatnonzero(profile >= minimum)
    if on.size == 0:
        return []
    runs = np.split(on, np.flatnonzero(np.diff(on) > 2) + 1)
    return [int(run.mean()) for run in runs]


def _grid(horizontal: np.ndarray, vertical: np.ndarray, ink: np.ndarray, box: Box,
          min_length: float) -> GridTable | None:
    """The table's grid; `min_length`: pixels of line a grid position needs."""
    ys = _positions((horizontal > 0).sum(axis=1), min_length)
    xs = _positions((vertical > 0).sum(axis=0), min_length)
    if len(ys) < 2 or len(xs) < 2:
        return None
    parent = list(range((len(ys) - 1) * (len(xs) - 1)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    columns = len(xs) - 1
    for r in range(len(ys) - 1):
        for c in range(columns):
            if c + 1 < columns and not _ruled(vertical, ink, xs[c + 1], ys[r], ys[r + 1], axis=0):
                parent[find(r * columns + c + 1)] = find(r * columns + c)
            if r + 2 < len(ys) and not _ruled(horizontal, ink, ys[r + 1], xs[c], xs[c + 1], axis=1):
                parent[find((r + 1) * columns + c)] = find(r * columns + c)
    return GridTable(box, _merged_rows(find, ys, xs, box))


def _ruled(mask: np.ndarray, ink: np.ndarray, at: int, start: int, end: int, *,
           axis: int) -> bool:
    """Whether a line runs at `at` (x for a vertical, y for a horizontal line) over most of
    start..end, its ends (where crossing lines meet it) left out: most of it among the long
    runs, or nearly all of it in ink (a piece shorter than a long run, cut off by a pixel's
    gap where JPEG artefacts broke the rule: measured at 200 dpi; text in a merged cell never
    covers nearly all of a cell side)."""
    margin = max(2, (end - start) // 8)
    band = slice(max(0, at - 3), at + 4)
    span = slice(start + margin, max(start + margin + 1, end - margin))
    return any(covered.size > 0 and covered.mean() >= share for covered, share in (
        (_covered(mask, span, band, axis), _BORDER_COVER), (_covered(ink, span, band, axis), _INK_COVER)))


def _covered(mask: np.ndarray, span: slice, band: slice, axis: int) -> np.ndarray:
    segment = mask[span, band] if axis == 0 else mask[band, span]
    return (segment > 0).any(axis=1 if axis == 0 else 0)


def _merged_rows(find, ys: list[int], xs: list[int], box: Box) -> list[list[Box]]:
    columns = len(xs) - 1
    extent: dict[int, list[int]] = {}  # root -> [r0, c0, r1, c1]
    for r in range(len(ys) - 1):
        for c in range(columns):
            e = extent.setdefault(find(r * columns + c), [r, c, r, c])
            e[2], e[3] = max(e[2], r), max(e[3], c)
    rows: list[list[Box]] = [[] for _ in range(len(ys) - 1)]
    for r0, c0, r1, c1 in sorted(extent.values(), key=lambda e: (e[0], e[1])):
        rows[r0].append(Box(box.top + ys[r0], box.left + xs[c0], box.top + ys[r1 + 1],
                            box.left + xs[c1 + 1]))
    return rows


_MIN_LINE_INK = 6  # pixels of ink in a line below which it is noise, not text
_PAD = 4
_SHORT_BAND = 0.5  # a band under this share of the tallest is part of a character, not a line
# Rows without ink inside one line of text: a thin stroke lost at 150 dpi splits a digit in
# two (a "2" read as "22"); lines in a cell are 4 or more rows apart even at 150 dpi.
_GAP_IN_LINE = 2
_SPECKLE = 4  # pixels: a blob of scan noise, not a stroke


def cell_lines(ink: np.ndarray, gray: np.ndarray, cell: Box) -> list[np.ndarray]:
    """Images of the text lines inside a cell (top to bottom), ruling lines left out: the
    recogniser reads one line at a time, and a wrapped label is two or three lines."""
    inset = _line_thickness(ink) + 2
    inner = Box(cell.top + inset, cell.left + inset, cell.bottom - inset, cell.right - inset)
    if inner.bottom - inner.top < 4 or inner.right - inner.left < 4:
        return []
    return [gray[line.top:line.bottom, line.left:line.right] for line in text_lines(ink, inner)]


def text_lines(ink: np.ndarray, area: Box) -> list[Box]:
    """The boxes of the lines of text in an area of a page (ink without ruling lines), top
    to bottom, padded. Lines are bands of rows with ink; a band shorter than half the tallest
    (a character's separate top stroke, at small print) joins its nearer neighbour."""
    inside = _without_speckle(ink[area.top:area.bottom, area.left:area.right])
    rows = np.flatnonzero(inside.any(axis=1))
    if rows.size == 0:
        return []
    splits = np.flatnonzero(np.diff(rows) > _GAP_IN_LINE + 1) + 1
    bands = [[int(b[0]), int(b[-1]) + 1] for b in np.split(rows, splits)]
    bands = _joined_bands(bands)
    lines = []
    for top, bottom in bands:
        part = inside[top:bottom]
        if (part > 0).sum() < _MIN_LINE_INK or bottom - top < 3:
            continue
        cols = np.flatnonzero(part.any(axis=0))
        lines.append(Box(max(0, area.top + top - _PAD), max(0, area.left + int(cols[0]) - _PAD),
                         min(ink.shape[0], area.top + bottom + _PAD),
                         min(ink.shape[1], area.left + int(cols[-1]) + 1 + _PAD)))
    return lines


def _without_speckle(ink: np.ndarray) -> np.ndarray:
    """Ink without the small blobs of scan noise (an opening would also take thin strokes)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] > _SPECKLE
    keep[0] = False
    return np.where(keep[labels], ink, 0).astype(np.uint8)


def _joined_bands(bands: list[list[int]]) -> list[list[int]]:
    tallest = max(bottom - top for top, bottom in bands)
    while len(bands) > 1:
        short = min(range(len(bands)), key=lambda i: bands[i][1] - bands[i][0])
        if bands[short][1] - bands[short][0] >= _SHORT_BAND * tallest:
            break
        above = bands[short][0] - bands[short - 1][1] if short > 0 else None
        below = bands[short + 1][0] - bands[short][1] if short + 1 < len(bands) else None
        other = short - 1 if below is None or (above is not None and above <= below) else short + 1
        first, second = sorted((short, other))
        bands[first:second + 1] = [[bands[first][0], bands[second][1]]]
    return bands
