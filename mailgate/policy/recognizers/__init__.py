"""presidio recognizers for the entities mailgate finds, one module per entity type.

Every recognizer matches on `mailgate.policy.text.normalise(text)` (same length
as the original, so offsets are valid in the original), needs no NLP
artifacts, checks its own context on the original text and explains each
result. `identifiers.identifier_recognizers()` builds the whole set.
"""
