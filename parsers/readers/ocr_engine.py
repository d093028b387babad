"""The OCR engine: RapidOCR (PaddleOCR's PP-OCR models on onnxruntime, CPU only).

Chosen over Tesseract's chi_sim on the same pages (docs/parsers.md, "Scanned reports"). Its
models ship inside the wheel, so it never downloads anything at run time. Loaded lazily and
once per process (about 0.3 s); a missing engine is a clear error, not an import crash.
"""
from __future__ import annotations

import logging
from functools import lru_cache

import numpy as np

from ..errors import ConverterMissing

# One thread: parses run two to a machine, and onnxruntime's default (every core, spinning)
# makes two parallel parses slower than one after the other.
_THREADS = 1


@lru_cache(maxsize=1)
def _engine():
    try:
        from rapidocr import RapidOCR
    except ImportError:
        raise ConverterMissing("OCR engine not installed (pip install rapidocr onnxruntime)") from None
    engine = RapidOCR(params={
        "Global.log_level": "error", "Global.use_cls": False,
        # Lines are batched by width (the engine sorts them) and padded to at least the
        # shape's width: its default 320 made a one-digit cell cost what a sentence does; 48
        # lost whole rows of a scan (digits misread, 186 of 200 cells), 160 reads them all.
        # Six lines a batch: sixteen took 900 MB on a page's long lines, six 520 MB.
        "Rec.rec_img_shape": [3, 48, 160], "Rec.rec_batch_num": 6,
        "EngineConfig.onnxruntime.intra_op_num_threads": _THREADS,
        "EngineConfig.onnxruntime.inter_op_num_threads": _THREADS})
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return engine


def available() -> bool:
    try:
        _engine()
    except ConverterMissing:
        return False
    return True


def recognise(lines: list[np.ndarray]) -> list[tuple[str, float]]:
    """(text, confidence) of each image of one line of text, in one batched run."""
    if not lines:
        return []
    from rapidocr.ch_ppocr_rec import TextRecInput

    result = _engine()._load_rec_model()(TextRecInput(img=[_bgr(line) for line in lines]))
    return [(text, float(score)) for text, score in zip(result.txts, result.scores)]


def _bgr(gray: np.ndarray) -> np.ndarray:
    return np.repeat(gray[:, :, None], 3, axis=2) if gray.ndim == 2 else gray
