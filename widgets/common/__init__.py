"""The pieces every page shares: the stylesheet and icons, the background-work helper, undo
commands, form helpers, the editor page base class, error dialogs and the placeholder highlighter.

Imports no other `widgets` package."""
