import Foundation

/// A short readable account of a decoding failure.
package func describe(_ error: Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        return keys.isEmpty ? "" : " at " + keys.joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, let context): return "missing field \"\(key.stringValue)\"" + path(context)
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
        return context.debugDescription + path(context)
    case .dataCorrupted(let context):
        let underlying = (context.underlyingError as NSError?).map { " (\($0.localizedDescription))" } ?? ""
        return "not valid JSON\(path(context))\(underlying)"
    @unknown default: return "\(error)"
    }
}
