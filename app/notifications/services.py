"""Logic of notifications."""
