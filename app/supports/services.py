"""Logic of supports."""
