"""Data shipped with Handoff Builder: the example playbook, sample conversations, icons, styles."""
