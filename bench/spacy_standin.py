"""A spaCy pipeline shaped like en_core_web_md, with untrained weights: a timing stand-in.

No trained English spaCy pipeline installs here (they are not on PyPI), so Presidio's usual
set-up (spaCy NER + patterns) cannot be scored. Its *cost* can still be measured: the
transition-based parser and NER, the tagger and the CNN token encoders do the same work per
token whatever their weights hold. This builds the published md architecture:

- tok2vec: hash embeddings of NORM, PREFIX, SUFFIX, SHAPE, SPACY, IS_SPACE (width 96) plus
  static vectors (20,000 x 300, random), a 4-layer maxout window encoder; the tagger (50 tags)
  and the parser (45 labels, hidden width 64) listen to it;
- ner (18 OntoNotes labels) with its own tok2vec (width 96, depth 4, static vectors);
- attribute_ruler (empty).

Left out: the rule lemmatizer (its tables are not installed) and the disabled senter, so the
stand-in is, if anything, faster than the real pipeline, and a speed ratio against it is a
lower bound. Its findings mean nothing; bench/detector.py reports only its speed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

WIDTH = 96
VECTORS = (20_000, 300)
# the Penn Treebank tags of the English pipelines and the universal part of speech the
# attribute ruler gives each (the rule lemmatizer reads it)
TAG_POS = {
    "$": "SYM", "''": "PUNCT", ",": "PUNCT", "-LRB-": "PUNCT", "-RRB-": "PUNCT", ".": "PUNCT", ":": "PUNCT",
    "ADD": "X", "AFX": "ADJ", "CC": "CCONJ", "CD": "NUM", "DT": "DET", "EX": "PRON", "FW": "X",
    "HYPH": "PUNCT", "IN": "ADP", "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ", "LS": "X", "MD": "AUX",
    "NFP": "PUNCT", "NN": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "NNS": "NOUN", "PDT": "DET",
    "POS": "PART", "PRP": "PRON", "PRP$": "PRON", "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "RP": "ADP",
    "SYM": "SYM", "TO": "PART", "UH": "INTJ", "VB": "VERB", "VBD": "VERB", "VBG": "VERB", "VBN": "VERB",
    "VBP": "VERB", "VBZ": "VERB", "WDT": "PRON", "WP": "PRON", "WP$": "PRON", "WRB": "ADV", "XX": "X",
    "_SP": "SPACE", "``": "PUNCT"}
DEPENDENCY_LABELS = 45
NER_LABELS = ("CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC", "MONEY", "NORP",
              "ORDINAL", "ORG", "PERCENT", "PERSON", "PRODUCT", "QUANTITY", "TIME", "WORK_OF_ART")
LABEL = "md-shaped (untrained stand-in: speed only)"


def _tok2vec(attrs: list[str], rows: list[int]) -> dict[str, Any]:
    return {"@architectures": "spacy.Tok2Vec.v2",
            "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": WIDTH, "attrs": attrs,
                      "rows": rows, "include_static_vectors": True},
            "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": WIDTH, "depth": 4,
                       "window_size": 1, "maxout_pieces": 3}}


def _transition_model(state: str, tok2vec: dict[str, Any]) -> dict[str, Any]:
    return {"@architectures": "spacy.TransitionBasedParser.v2", "state_type": state,
            "extra_state_tokens": False, "hidden_width": 64, "maxout_pieces": 2, "use_upper": True,
            "nO": None, "tok2vec": tok2vec}


def build_md_shaped(path: Path) -> Path:
    """Write the stand-in pipeline to ``path`` (loadable with ``spacy.load(path)``)."""
    import numpy
    import spacy
    from spacy.vectors import Vectors

    nlp = spacy.blank("en")
    vectors = Vectors(strings=nlp.vocab.strings, shape=VECTORS, name="standin_vectors")
    vectors.data[:] = numpy.random.default_rng(0).standard_normal(VECTORS, dtype="float32")
    for row in range(VECTORS[0]):
        vectors.add(f"word{row}", row=row)
    nlp.vocab.vectors = vectors
    listener = {"@architectures": "spacy.Tok2VecListener.v1", "width": WIDTH, "upstream": "tok2vec"}
    nlp.add_pipe("tok2vec", config={"model": _tok2vec(
        ["NORM", "PREFIX", "SUFFIX", "SHAPE", "SPACY", "IS_SPACE"], [5000, 1000, 2500, 2500, 50, 50])})
    tagger = nlp.add_pipe("tagger", config={"model": {
        "@architectures": "spacy.Tagger.v2", "nO": None, "normalize": False, "tok2vec": listener}})
    parser = nlp.add_pipe("parser", config={"model": _transition_model("parser", listener)})
    ruler = nlp.add_pipe("attribute_ruler")
    nlp.add_pipe("lemmatizer", config={"mode": "rule"})  # its tables: spacy-lookups-data
    ner = nlp.add_pipe("ner", config={"model": _transition_model("ner", _tok2vec(
        ["NORM", "PREFIX", "SUFFIX", "SHAPE"], [5000, 1000, 2500, 2500]))})
    for tag in TAG_POS:
        tagger.add_label(tag)  # type: ignore[attr-defined]
    for dep in range(DEPENDENCY_LABELS):
        parser.add_label(f"dep{dep}")  # type: ignore[attr-defined]
    for label in NER_LABELS:
        ner.add_label(label)  # type: ignore[attr-defined]
    nlp.initialize()
    random = numpy.random.default_rng(1)
    for node in tagger.model.walk():  # its output layer starts at zero: one tag for every word
        for name in node.param_names:
            if node.has_param(name) and not node.get_param(name).any():
                weights = node.get_param(name)
                node.set_param(name, random.normal(0, 0.5, weights.shape).astype(weights.dtype))
    for tag, pos in TAG_POS.items():  # after initialize, which clears a ruler's patterns
        ruler.add([[{"TAG": tag}]], {"POS": pos})  # type: ignore[attr-defined]
    nlp.to_disk(path)
    return path
