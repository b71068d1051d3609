// Tests for the Tensor layer arrive with its issue.
