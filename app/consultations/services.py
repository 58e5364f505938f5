"""Logic of consultations."""
