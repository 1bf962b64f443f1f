"""The ruleset being edited: one mutable document over the immutable model, the plain-Python
events it announces, and pure edits that undo commands call: condition trees, a text condition's
word groups and options, and the word groups themselves (with who uses each).

May import `builder.format`."""
