"""Forms of proposals."""
