// Tests for the Datasets layer arrive with its issue.
