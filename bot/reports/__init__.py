"""What a report is, apart from how it is stored: its fields from the answers, the same person, urgency."""
