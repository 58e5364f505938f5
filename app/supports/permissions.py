"""Who may do what in supports."""
