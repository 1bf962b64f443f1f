"""The pieces every page shares: the stylesheet and icons, the background-work helper, undo
commands, form helpers, the editor page helpers and the list-and-form page base class
(`list_form`), error dialogs and the placeholder highlighter.

Imports no other `widgets` package."""
