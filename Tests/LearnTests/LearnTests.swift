// Tests for the Learn layer arrive with its issue.
