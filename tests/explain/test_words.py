from core.explain.words import merge_to_words, word_spans


def test_word_spans_keep_hyphens_decimals_and_split_punctuation():
    text = "5-FU 0.5 mg, metoprolol. café—ok"
    words = [text[a:b] for a, b in word_spans(text)]
    assert words == ["5-FU", "0.5", "mg", ",", "metoprolol", ".", "café", "—", "ok"]


def test_merge_sums_pieces_into_words_and_skips_specials():
    from transformers import AutoTokenizer

    from core.config import base_model_path

    tok = AutoTokenizer.from_pretrained(str(base_model_path()))
    text = "Metoprolol tartrate, hydrochlorothiazide."
    enc = tok(text, return_offsets_mapping=True)
    n = len(enc["input_ids"])
    assert n > 8  # drug names split into many pieces
    scores = [1.0] * n
    merged = merge_to_words(text, enc["offset_mapping"], scores)
    words = [text[a:b] for a, b in word_spans(text)]
    assert words == ["Metoprolol", "tartrate", ",", "hydrochlorothiazide", "."]
    pieces_per_word = [sum(1 for a, b in enc["offset_mapping"] if b > a and s <= a < e) for s, e in word_spans(text)]
    assert merged == [float(p) for p in pieces_per_word]
    assert sum(merged) == n - 2  # [CLS] and [SEP] have empty offsets


def test_unicode_offsets():
    text = "Ärztin: naïve ＡＢＣ 💊 aspirin"
    spans = word_spans(text)
    assert all(text[a:b].strip() == text[a:b] and b > a for a, b in spans)
    assert text[spans[-1][0]:spans[-1][1]] == "aspirin"


def test_decomposed_accents_stay_in_their_word():
    text = "e\u0301tat re\u0301nal cafe\u0301."
    assert [text[a:b] for a, b in word_spans(text)] == ["e\u0301tat", "re\u0301nal", "cafe\u0301", "."]
