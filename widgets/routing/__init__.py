"""The routing editor: teams, priorities, SLA promises, callback and e-mail options, with warnings.

May import `widgets.common` only."""
