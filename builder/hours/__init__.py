"""Business hours: when a team is open in its time zone (weekly spans, overnight shifts, holidays,
closures), business-minute arithmetic for promises, and the week grid of the hours editor.

May import `builder.format`."""
