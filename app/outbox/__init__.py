"""The mail outbox: every outgoing message is a row written in the same transaction as the
change that caused it, and is delivered after the commit, with retries, until it is sent."""
