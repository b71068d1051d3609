// Tests for the Teacher layer arrive with its issue.
