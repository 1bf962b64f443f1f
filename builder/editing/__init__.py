"""The ruleset being edited: one mutable document over the immutable model, the plain-Python
events it announces, and pure edits of condition trees that undo commands call.

May import `builder.format`."""
