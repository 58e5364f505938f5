"""Who may do what in consultations."""
