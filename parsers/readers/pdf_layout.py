"""One page's characters and ruling edges -> its text lines and ruled tables.

Tables come from pdfplumber's ruling-line table finder (its "lines" strategy, default
tolerances), fed with the edges PDFium read: the finder is pure geometry on a few hundred
edges and costs little; what made pdfplumber slow was pdfminer underneath it. Text is put
together the way pdfplumber does without layout: characters on one baseline (within 3 pt)
form a line, read left to right; whitespace or a gap of 3 pt or more (a space in 12 pt type)
starts a new word, and words are joined by one space. A character belongs to the table cell that holds its centre; the
others make the page's text lines.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter

from pdfplumber.table import Table as CellGrid, cells_to_tables, edges_to_intersections, merge_edges

from pdfplumber.utils.clustering import cluster_objects

from .pdf_pdfium import Char, Edge

_TOLERANCE = 3.0  # points: pdfplumber's default snap, join, intersection and text tolerances
_MIN_EDGE = 3.0  # shorter ruling pieces (after joining) are no part of a grid
# pdfplumber starts a word after a gap over 3 pt, and float noise decides a gap of exactly
# 3 pt, a browser's word space in 12 pt type: counted as a gap here.
_WORD_GAP = _TOLERANCE - 0.01


@dataclass
class TextLine:
    chars: list[Char]  # printed characters, left to right (no whitespace)
    text: str  # words joined by one space
    top: float = 0.0  # of its highest character
    x1: float = 0.0  # its right end

    def __post_init__(self) -> None:
        self.top = min(char.top for char in self.chars)
        self.x1 = max(char.x1 for char in self.chars)


@dataclass
class FoundTable:
    bbox: tuple[float, float, float, float]  # left, top, right, bottom
    rows: list[list[str]]  # cell texts, lines joined by "\n"; merged positions left out


def page_layout(chars: list[Char], edges: list[Edge]) -> tuple[list[TextLine], list[FoundTable]]:
    grids = _grids(edges)
    boxes = [grid.bbox for grid in grids]  # a property pdfplumber computes on every call
    holders: list[list[Char]] = [[] for _ in grids]
    free: list[Char] = []
    for char in chars:  # the first table whose box holds the character's centre
        x, y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
        for (left, top, right, bottom), held in zip(boxes, holders):
            if left <= x < right and top <= y < bottom:
                held.append(char)
                break
        else:
            free.append(char)
    tables = [FoundTable(box, _cell_texts(grid, held))
              for grid, box, held in zip(grids, boxes, holders)]
    return lines(free), tables


def _grids(edges: list[Edge]) -> list[CellGrid]:
    if not edges:  # pieces under 1 pt were left out when they were read
        return []
    merged = merge_edges(_snapped(edges), 0, 0, _TOLERANCE, _TOLERANCE)  # joined, not snapped again
    merged = [e for e in merged if e["width" if e["orientation"] == "h" else "height"] >= _MIN_EDGE]
    cells = intersections_to_cells(edges_to_intersections(merged, _TOLERANCE, _TOLERANCE))
    return [CellGrid(None, group) for group in cells_to_tables(cells)]



def _snapped(edges: list[Edge]) -> list[Edge]:
    """pdfplumber's snap_edges (each edge moved to the mean position of the edges within the
    tolerance of it), an edge copied only when it moves: its move_object copies every edge, a
    third of the table finder's time on a Chromium-printed page, where most do not move."""
    vertical = [edge for edge in edges if edge["orientation"] == "v"]
    horizontal = [edge for edge in edges if edge["orientation"] != "v"]
    return _snap(vertical, "x0", "x1") + _snap(horizontal, "top", "bottom")


def _snap(edges: list[Edge], start: str, end: str) -> list[Edge]:
    snapped = []
    for cluster in cluster_objects(edges, itemgetter(start), _TOLERANCE):
        mean = sum(map(itemgetter(start), cluster)) / len(cluster)
        for edge in cluster:
            shift = mean - edge[start]
            snapped.append(edge if shift == 0 else
                           {**edge, start: edge[start] + shift, end: edge[end] + shift})
    return snapped


Point = tuple[float, float]


def intersections_to_cells(intersections: dict[Point, dict[str, list[dict]]]) -> list[tuple]:
    """pdfplumber.table.intersections_to_cells, same cells in the same order, without its
    quadratic scans: for every point it searched all later points for those below and to the
    right, and built the sets of the edges through two points on every test (a third of a
    Chromium-printed page's read). Here both are looked up in indexes made once."""
    points = sorted(intersections)
    through = {point: ({(e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges["v"]},
                       {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges["h"]})
               for point, edges in intersections.items()}
    column: dict[float, list[Point]] = defaultdict(list)  # points by x, top to bottom
    row: dict[float, list[Point]] = defaultdict(list)  # points by y, left to right
    for point in points:
        column[point[0]].append(point)
        row[point[1]].append(point)

    def connects(p1: Point, p2: Point) -> bool:
        return bool((p1[0] == p2[0] and through[p1][0] & through[p2][0])
                    or (p1[1] == p2[1] and through[p1][1] & through[p2][1]))

    def smallest_cell(point: Point) -> tuple | None:
        below = column[point[0]]
        right = row[point[1]]
        for below_point in below[below.index(point) + 1:]:
            if not connects(point, below_point):
                continue
            for right_point in right[right.index(point) + 1:]:
                if not connects(point, right_point):
                    continue
                corner = (right_point[0], below_point[1])
                if corner in through and connects(corner, right_point) \
                        and connects(corner, below_point):
                    return (point[0], point[1], corner[0], corner[1])
        return None

    return [cell for point in points[:-1] if (cell := smallest_cell(point))]


def _cell_texts(grid: CellGrid, chars: list[Char]) -> list[list[str]]:
    """Each row's cells (merged positions, None in the grid, left out), each cell's text as
    pdfplumber extracts it: its lines joined by a line break."""
    rows = grid.rows
    lefts = sorted({cell[0] for cell in grid.cells})
    tops = sorted({cell[1] for cell in grid.cells})
    slot_of: dict[tuple[float, float], tuple] = {}
    for cell in grid.cells:  # every grid slot a (merged) cell covers points to that cell
        for left in lefts[lefts.index(cell[0]):]:
            if left >= cell[2]:
                break
            for top in tops[tops.index(cell[1]):]:
                if top >= cell[3]:
                    break
                slot_of[(left, top)] = cell
    held: dict[tuple, list[Char]] = {}
    for char in chars:
        x, y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
        column, row = bisect_right(lefts, x) - 1, bisect_right(tops, y) - 1
        cell = slot_of.get((lefts[column], tops[row])) if column >= 0 and row >= 0 else None
        if cell is not None and x < cell[2] and y < cell[3]:
            held.setdefault(cell, []).append(char)
    return [[text_of(held.get(cell, [])) for cell in row.cells if cell is not None] for row in rows]


def text_of(chars: list[Char]) -> str:
    return "\n".join(line.text for line in lines(chars))


def lines(chars: list[Char]) -> list[TextLine]:
    """Characters clustered by their baseline (chained within 3 pt), top to bottom."""
    found: list[TextLine] = []
    cluster: list[Char] = []
    last = None
    for char in sorted(chars, key=_baseline):
        if last is not None and char.bottom > last + _TOLERANCE:
            found.extend(_line(cluster))
            cluster = []
        cluster.append(char)
        last = char.bottom
    found.extend(_line(cluster))
    return found


def _baseline(char: Char) -> float:
    return char.bottom


def _line(chars: list[Char]) -> list[TextLine]:
    words: list[str] = []
    printed: list[Char] = []
    previous: Char | None = None
    for char in sorted(chars, key=_left):
        if char.text.isspace():
            previous = None
            continue
        if previous is None or char.x0 < previous.x0 or char.x0 - previous.x1 >= _WORD_GAP:
            words.append(char.text)
        else:
            words[-1] += char.text
        printed.append(char)
        previous = char
    return [TextLine(printed, " ".join(words))] if printed else []


def _left(char: Char) -> float:
    return char.x0
