"""The main window and what frames the pages: start-up, menus, the page list, saving and recovery,
the Problems panel and the export dialog.

May import every feature package (`rules`, `templates`, `hours`, `routing`, `channels`, `simulator`,
`replay`) and `widgets.common`."""
