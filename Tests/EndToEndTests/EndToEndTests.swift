// Tests for the EndToEnd layer arrive with its issue.
