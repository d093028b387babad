"""parsers.nfkc.nfkc gives unicodedata's NFKC on every string, including the ones its fast
path rewrites (full-width punctuation next to combining marks, compatibility characters)."""
import random
import unicodedata

from parsers.nfkc import nfkc

# full-width punctuation the fast path replaces, other compatibility characters, combining
# marks (which may follow a replaced character), CJK and ASCII
_ALPHABET = ("，（）：；．％\u3000" "０１９ＡＺ①㉑⽂㍘ｶﾞ\ufb01" "\u0301\u0327\u0308\u3099"
             "年申请件行政abc ,.()0123")


def test_nfkc_equals_unicodedata_on_random_strings():
    rng = random.Random(14)
    for _ in range(20_000):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 12)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)


def test_nfkc_of_a_report_sentence():
    assert nfkc("本年度共收到申请８１件（含：网上申请），较上年增长５％。") == \
        "本年度共收到申请81件(含:网上申请),较上年增长5%。"
