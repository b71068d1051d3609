// Tests for the Workbench layer arrive with its issue.
