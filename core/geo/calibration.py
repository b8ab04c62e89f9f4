"""Confidence as measured: a reading's raw score → the share of such readings found right.

The geocoder scores each reading from its kind, spelling fixes, same-named rivals and distance
from the served region (``core.geo.geocoder.BASE`` …). Those scores order readings well but
are not probabilities. ``bench/calibrate_geo.py`` fits, on the ``fit`` part of a labelled
county-wide corpus (``tests/core/geo_county_corpus.jsonl``), one monotone curve per group of
kinds (isotonic regression, each step's rate smoothed towards doubt), and writes it to
``data/calibration.json``; the held-out part checks it. ``confidence`` 0.8 then means right
about 8 times in 10. Without the file the raw score is kept.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

CALIBRATION_FILE = Path(__file__).with_name("data") / "calibration.json"
GROUPS = {
    "corner": "fine",
    "block": "fine",
    "address": "fine",
    "place": "named",
    "station": "named",
    "zip": "area",
    "city": "area",
}
"""Kinds whose raw scores share a curve: enough examples each, and alike in how they fail."""
TIE_SLOPE = 0.01
"""Along a flat step of the curve a higher raw score still ranks higher, by this much per unit."""


@dataclass(frozen=True)
class Calibration:
    """Curves per group: ``((raw, rate), ...)`` sorted by raw, interpolated between points."""

    curves: dict[str, tuple[tuple[float, float], ...]] = field(default_factory=dict)

    def __call__(self, kind: str, raw: float) -> float:
        """The calibrated confidence of a reading of ``kind`` scored ``raw`` (0..1)."""
        curve = self.curves.get(GROUPS.get(kind, "area"))
        if not curve:
            return raw
        if raw <= curve[0][0]:
            value = curve[0][1]
        elif raw >= curve[-1][0]:
            value = curve[-1][1]
        else:
            value = curve[-1][1]
            for (x0, y0), (x1, y1) in zip(curve, curve[1:], strict=False):
                if x0 <= raw <= x1:
                    value = y0 + (raw - x0) / (x1 - x0) * (y1 - y0) if x1 > x0 else y1
                    break
        value += TIE_SLOPE * (raw - 0.5)  # strictly increasing: a better reading ranks higher
        return round(max(0.0, min(1.0, value)), 3)


def fit(
    samples: Iterable[tuple[str, float, bool]], prior: float = 2.0
) -> dict[str, list[list[float]]]:
    """Per group, the isotonic curve of ``(kind, raw score, right?)`` samples as
    ``[[mean raw, rate], ...]``; each step's rate is ``(right + prior / 2) / (n + prior)``,
    shrunk towards half, so a short run of successes never reads as certainty."""
    by_group: dict[str, list[tuple[float, bool]]] = {}
    for kind, raw, right in samples:
        by_group.setdefault(GROUPS.get(kind, "area"), []).append((raw, right))
    out: dict[str, list[list[float]]] = {}
    for group, points in sorted(by_group.items()):
        # Pool adjacent violators over blocks of (sum raw, right, n), one block per raw score
        # to start with (equal scores cannot be told apart), into non-decreasing rates.
        tied: dict[float, list[float]] = {}
        for raw, right in points:
            block = tied.setdefault(raw, [0.0, 0.0, 0.0])
            block[0] += raw
            block[1] += float(right)
            block[2] += 1.0
        blocks: list[list[float]] = []
        for _raw, block in sorted(tied.items()):
            blocks.append(block)
            while (
                len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]
            ):
                last = blocks.pop()
                for k in range(3):
                    blocks[-1][k] += last[k]
        curve: list[list[float]] = []
        for s, r, n in blocks:
            rate = (r + prior * 0.5) / (n + prior)
            # Shrinking a short block more than a long one must not bend the curve down.
            curve.append([round(s / n, 4), round(max([rate] + [y for _x, y in curve]), 4)])
        out[group] = curve
    return out


@functools.lru_cache(maxsize=4)
def load_calibration(path: str | Path | None = None) -> Calibration:
    """The fitted curves (default: the shipped file); none (raw scores kept) when missing."""
    target = Path(path) if path else CALIBRATION_FILE
    if not target.is_file():
        return Calibration()
    data = json.loads(target.read_text(encoding="utf-8"))
    return Calibration(
        {g: tuple((float(x), float(y)) for x, y in pts) for g, pts in data["curves"].items()}
    )
