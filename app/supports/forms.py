"""Forms of supports."""
