"""Reading what visitors write: words and stems, phrase lists, RE2 patterns, the one-pass message
scan, and the per-message signals (sentiment, capitals, repetition) the engine turns into facts.

Imports no other `builder` package."""
