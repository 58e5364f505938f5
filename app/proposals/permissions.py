"""Who may do what in proposals."""
