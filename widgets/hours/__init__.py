"""The business-hours editor: the weekly grid, holidays and closures, and "what happens at…".

May import `widgets.common` only."""
