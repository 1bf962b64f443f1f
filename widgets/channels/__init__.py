"""The channels editor: Slack, Teams, e-mail and webhook destinations, and a test send.

May import `widgets.common` only."""
