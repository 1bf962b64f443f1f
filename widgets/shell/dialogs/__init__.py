"""The window's dialogs and notices: export, "workspace in use", the project list, and what the user
is told when the workspace was not as it was left."""
