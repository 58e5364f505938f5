"""Who may do what in discussion."""
