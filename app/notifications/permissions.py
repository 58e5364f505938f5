"""Who may do what in notifications."""
