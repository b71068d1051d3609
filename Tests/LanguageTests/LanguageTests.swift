// Tests for the Language layer arrive with its issue.
