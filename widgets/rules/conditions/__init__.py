"""The IF part of the rule editor: the condition sentence and its rows, the value editors, text
conditions (phrases, word groups, "near") and the chips they are typed into."""
