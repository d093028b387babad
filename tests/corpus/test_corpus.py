"""The generated corpus: every representation of the seeds and of synthetic reports parses to
the cells it was made from (100 % where cell separators are kept), and no cell is ever wrong
without a warning. The default run covers every light representation on a sample and each
heavy one (LibreOffice, Chromium) on two reports; the full corpus is `slow` (and
`python -m bench.fidelity`)."""
from __future__ import annotations

import shutil

import pytest

from bench.fidelity import TARGET_FLAT, TUNING_SEED, run
from tests.corpus.fidelity import Score, parse_and_score
from tests.corpus.generator import generate, seed_truths
from tests.corpus.render import FLATTENED, HEAVY, LIGHT, render_all
from tests.parsers.fixture_builders import soffice

SAMPLE = 8


def _score(truths, name: str) -> Score:
    total = Score()
    for truth, (data, content_type) in zip(truths, render_all(truths, name)):
        total.add(parse_and_score(data, content_type, truth))
    return total


def test_generated_reports_obey_the_rules():
    import parsers.checks as checks
    from parsers.model import Cell

    for truth in generate(TUNING_SEED, 20):
        cells = [Cell(t, r, c, v, truth.printed[t, r, c]) for (t, r, c), v in truth.expected().items()]
        results, _ = checks.run_checks(cells, truth.fmt, truth.year)
        assert all(c.ok for c in results), (truth.name, [c.detail for c in results if not c.ok][:2])


@pytest.mark.parametrize("name", LIGHT)
def test_light_representation(name):
    score = _score(seed_truths() + generate(TUNING_SEED, SAMPLE), name)
    assert score.counts["wrong_silent"] == 0, score.silent[:5]
    assert score.meta_wrong == 0
    if name in FLATTENED:
        # every cell the flattened text decides is read; the rest are undecidable, not guessed
        assert score.share("right") >= 0.9, score.counts
        assert score.right_of_determined() == 1.0, (score.counts, score.undetermined)
    else:
        assert score.share("right") == 1.0, score.counts


@pytest.mark.skipif(soffice() is None or shutil.which("chromium") is None, reason="LibreOffice/Chromium missing")
@pytest.mark.parametrize("name", HEAVY)
def test_heavy_representation_on_a_sample(name):
    # DOC and WPS are converted again by the reader (LibreOffice, seconds a file): one report
    synthetic = generate(TUNING_SEED, 4)
    truths = [next(t for t in synthetic if t.fmt == "2019")]
    if name.startswith("pdf"):
        truths.append(next(t for t in synthetic if t.fmt == "2021"))
    score = _score(truths, name)
    assert score.counts["wrong_silent"] == 0, score.silent[:5]
    assert score.share("right") == 1.0, score.counts
    # pdf_chromium's second page has its title in its heading only: the printed title's year
    # is displaced by the browser and must come back (agency and year read right)
    assert score.meta_wrong == 0


@pytest.mark.slow
def test_full_corpus_has_no_silent_wrong_cell():
    for name, score in run(TUNING_SEED, 120, heavy=20).items():
        assert score.counts["wrong_silent"] == 0, (name, score.silent[:5])
        if name not in FLATTENED:
            assert score.share("right") == 1.0, (name, score.counts)


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="issue 13: flattened text reads ~95.5 % of cells, not 97 %: the other "
                   "~4.5 % are cells the text does not decide (several splits fit every rule, or blanks lost)")
def test_full_corpus_flattened_meets_the_target():
    for name, score in run(TUNING_SEED, 120, None, only=tuple(FLATTENED)).items():
        assert score.share("right") >= TARGET_FLAT, (name, score.counts)


@pytest.mark.parametrize("name", ["html", "text_cells", "docx"])
def test_a_table_printed_with_no_number_reads_as_blank(name):
    from tests.parsers.fixture_builders import appeals_rows

    truth = generate(TUNING_SEED, 1)[0]
    for key in [k for k in truth.printed if k[0] == "appeals"]:
        truth.printed[key] = ""
    blocks = truth.layout.blocks
    at = next(i for i, b in enumerate(blocks) if isinstance(b, str) and b.startswith("四、")) + 1
    blocks[at] = appeals_rows(truth.printed)
    assert _score([truth], name).share("right") == 1.0
