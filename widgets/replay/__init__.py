"""The Replay page: running a conversation library in the background, the metrics dashboard and
charts, and comparing two revisions.

May import `widgets.common` only."""
