"""The ruleset and conversation formats as Python values: the immutable domain model, reading and
writing ruleset files, reading conversations, and what changed between two rulesets.

The bottom of `builder`: imports only `rules_schema` and the standard library."""
