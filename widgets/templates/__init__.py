"""The template editor: per-channel bodies, placeholders, the live preview and "used by".

May import `widgets.common` only."""
