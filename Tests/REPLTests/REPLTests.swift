// Tests for the REPL layer arrive with its issue.
