"""Many conversations at once: batch replay of a library, the metrics a dashboard shows, the HTML/CSV
report, and measuring a ruleset on labelled utterances.

May import `builder.engine`, `builder.analysis` and everything below them."""
