import Datasets
import Language

extension Arguments {
    /// The argument as a dataset: a `dataset` object, or a list of records (a list the user
    /// built by hand, or the result of `map`).
    func dataset(_ name: String) throws -> Dataset {
        switch self[name] {
        case .host(let object as DatasetObject):
            return object.dataset
        case .list(let items):
            let rows = try items.enumerated().map { index, item -> Row in
                guard case .record(let record) = item else {
                    throw error(name, "argument '\(name)' must be a list of records, but item \(index) is a \(item.typeName)")
                }
                return try Row(record)
            }
            return Dataset(rows)
        default:
            throw error(name, "argument '\(name)' must be a dataset or a list of records, got \(self[name].typeName)")
        }
    }

    /// An optional integer seed (nil when the argument is nil), as the generators take it.
    func seed(_ name: String = "seed") throws -> UInt64 {
        guard optional(name) != nil else { return 0 }
        return UInt64(bitPattern: Int64(try int(name)))
    }
}

extension CallContext {
    /// Resolves a path the user wrote through the session's file policy (which confines
    /// notebooks run from elsewhere), relative to the script's or notebook's folder.
    func path(_ path: String, for mode: FileAccessPolicy.Mode) throws -> String {
        try fileAccess.resolve(path, mode: mode, relativeTo: directory)
    }
}

/// Runs a Datasets operation, turning its errors into located runtime errors.
func located<T>(_ range: SourceRange?, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as DatasetError {
        throw RuntimeError(error.description, at: range)
    }
}
