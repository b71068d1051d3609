// Tests for the Notebook layer arrive with its issue.
