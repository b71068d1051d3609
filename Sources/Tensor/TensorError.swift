/// A bad shape or argument given to a tensor operation.
///
/// Thrown instead of crashing, so the language can report it: the message names the
/// operation and the shapes involved, e.g. `matmul: [4, 8] x [5, 3]: inner dimensions 8 and 5 differ`.
public struct TensorError: Error, CustomStringConvertible, Equatable {
    /// The operation that rejected its arguments (`matmul`, `add`, ...).
    public let operation: String
    /// What was wrong, naming the shapes.
    public let reason: String

    /// Creates an error for `operation` explaining `reason`.
    public init(_ operation: String, _ reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "\(operation): \(reason)" }
}

/// Formats a shape the way error messages show it: `[4, 8]`.
@inlinable
func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
