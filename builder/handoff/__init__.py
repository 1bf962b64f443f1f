"""What happens when a rule hands over: routing to a team with an SLA promise, templates with
placeholders, the payload an agent receives, and notifications to Slack, Teams, e-mail or webhooks.

May import `builder.hours`, `builder.format`."""
