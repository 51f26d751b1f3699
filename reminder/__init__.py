"""betaminder: every-other-day injection reminders, check-ins and escalation."""
