/// The file formats a dataset is read from and written to, chosen by extension.
public enum FileFormat: String, CaseIterable, Sendable {
    /// One JSON object per line (`.jsonl`, `.ndjson`).
    case jsonl
    /// RFC 4180 CSV with a header row (`.csv`).
    case csv
    /// One JSON array of objects (`.json`).
    case json

    /// The format of `path` by its extension.
    /// - Throws: `DatasetError` naming the file and the extensions expected.
    public init(path: String) throws {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let ext = name.contains(".") ? String(name.split(separator: ".").last!).lowercased() : ""
        switch ext {
        case "jsonl", "ndjson": self = .jsonl
        case "csv": self = .csv
        case "json": self = .json
        default:
            throw DatasetError(
                "unknown format '\(ext.isEmpty ? "(no extension)" : "." + ext)': expected .jsonl, .csv or .json",
                file: path)
        }
    }
}

/// Reading and writing records as text in each file format.
public enum DatasetCodec {
    /// The records in `text`, read as `format`.
    /// - Throws: `DatasetError` with the line and what was expected (no file: the caller adds it).
    public static func decode(_ text: String, as format: FileFormat) throws -> [Row] {
        switch format {
        case .csv: return try CSV.parse(text)
        case .jsonl: return try decodeJSONL(text)
        case .json:
            let value = try FieldValue.parseJSON(text)
            guard case .list(let items) = value else {
                throw DatasetError("expected a JSON array of objects at the top level, found \(kind(value))", line: 1)
            }
            return try items.enumerated().map { n, item in
                guard case .record(let r) = item else {
                    throw DatasetError("expected an object as array element \(n), found \(kind(item))")
                }
                return r
            }
        }
    }

    /// The text of `records` written as `format`.
    public static func encode(_ records: [Row], as format: FileFormat) -> String {
        switch format {
        case .csv: return CSV.write(records)
        case .jsonl: return records.map { $0.jsonText + "\n" }.joined()
        case .json:
            if records.isEmpty { return "[]\n" }
            return "[\n" + records.map { "  " + $0.jsonText }.joined(separator: ",\n") + "\n]\n"
        }
    }

    private static func decodeJSONL(_ text: String) throws -> [Row] {
        var records: [Row] = []
        var lineNumber = 0
        // "\r\n" is one Character in Swift, so CRLF files need it named as a separator too.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            let value = try FieldValue.parseJSON(String(line), firstLine: lineNumber)
            guard case .record(let r) = value else {
                throw DatasetError("expected a JSON object on each line, found \(kind(value))", line: lineNumber)
            }
            records.append(r)
        }
        return records
    }

    static func kind(_ v: FieldValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .list: return "an array"
        case .record: return "an object"
        }
    }
}
