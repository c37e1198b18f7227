"""The NLP side of detection: GiNZA behind presidio, run only where it can find something.

About 97% of stock presidio's time on Japanese mail is the GiNZA pipeline, and
within it the tok2vec and NER layers. So the engine (engine.py) (1) loads only
what NER needs (no dependency parser, morphologizer, bunsetu or compound
splitting), (2) tokenises the whole text with Sudachi, which is cheap and tags
surnames, given names and place names from its dictionary, and (3) runs
tok2vec+NER only on the lines that could hold a name (`ranges.ner_lines`), never
on the department's signature block. GiNZA refuses input over 49,149 bytes, so
long text is tokenised and recognised in chunks (`ranges.chunks`) and the
offsets are shifted back. NER results are cached per line digest (greetings and
self-introductions recur). The lines left go through tok2vec+NER as one batch (a
mail's units together with `analyzer.Analyzer.analyze_units`), and NER decodes
with `greedy_ner.greedy_ner`, spaCy's greedy loop run holding the GIL, 5x faster
than spaCy's own with the same entities. Nothing here touches the network:
presidio's default recognizers (and tldextract) are never loaded.
"""
