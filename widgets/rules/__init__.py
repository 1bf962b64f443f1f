"""The rule list and the rule editor: condition trees as chips or a diagram, value editors and
action cards.

May import `widgets.common` only."""
