"""The rule list and the rule editor: condition trees as chips or a diagram, value editors and
action cards; the Word groups page (the vocabularies text conditions use as chips).

May import `widgets.common` only."""
