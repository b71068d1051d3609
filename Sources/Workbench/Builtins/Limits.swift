import Language

/// Ranges shared by several built-ins' parameters, so `generate`, `chat` and `evaluate`
/// accept the same numbers and document them alike.
enum Limits {
    /// Tokens one reply may have: enough for any teacher, small enough that budgets and
    /// buffers sized from it stay far from overflow.
    static let maxTokens = ValueBounds.between(1, 100_000)
    /// Sampling temperature (0 is greedy; teachers accept up to 2, local sampling more).
    static let temperature = ValueBounds.between(0, 5)
}
