/// RFC 4180 CSV: a header row, quoted fields with doubled quotes, embedded newlines, CRLF or LF.
public enum CSV {
    /// Parses CSV text into rows of fields, each with the line it started on.
    /// - Throws: `DatasetError` with the line of an unterminated quote or a stray quote.
    public static func parseRows(_ text: String) throws -> [(line: Int, fields: [String])] {
        var rows: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var rowLine = 1
        var inQuotes = false
        var quoteLine = 1
        var wasQuoted = false
        let bytes = Array(text.utf8)
        var i = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRow() {
            endField()
            // A blank line is no row (RFC 4180 has none; a trailing newline makes one).
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append((rowLine, fields)) }
            fields.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 2
                        continue
                    }
                    inQuotes = false
                    i += 1
                    if i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(bytes[i]) {
                        throw DatasetError(
                            "expected ',' or a line end after a closing quote, found '\(Character(Unicode.Scalar(bytes[i])))'",
                            line: line)
                    }
                    continue
                }
                if b == UInt8(ascii: "\n") { line += 1 }
                field.append(b)
                i += 1
                continue
            }
            switch b {
            case UInt8(ascii: "\""):
                guard field.isEmpty, !wasQuoted else {
                    throw DatasetError(
                        "a quote inside an unquoted field; expected the whole field in quotes with inner quotes doubled",
                        line: line)
                }
                inQuotes = true
                wasQuoted = true
                quoteLine = line
                i += 1
            case UInt8(ascii: ","):
                endField()
                i += 1
            case UInt8(ascii: "\r"):
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "\n") { i += 1 }
                endRow()
                line += 1
                rowLine = line
            case UInt8(ascii: "\n"):
                i += 1
                endRow()
                line += 1
                rowLine = line
            default:
                field.append(b)
                i += 1
            }
        }
        if inQuotes { throw DatasetError("unterminated quoted field, expected a closing '\"'", line: quoteLine) }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRow() }
        return rows
    }

    /// Parses CSV with a header row into records. Columns whose values all read as integers
    /// (or numbers, or true/false) become typed; an empty cell in such a column is null.
    /// - Throws: `DatasetError` naming the line of a ragged row, a duplicate header or bad quoting.
    public static func parse(_ text: String) throws -> [Row] {
        let rows = try parseRows(text)
        guard let header = rows.first else { return [] }
        let names = header.fields
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw DatasetError("duplicate column '\(name)' in the header row", line: header.line)
        }
        let body = rows.dropFirst()
        for row in body where row.fields.count != names.count {
            throw DatasetError(
                "ragged row: expected \(names.count) fields (\(names.joined(separator: ", "))), found \(row.fields.count)",
                line: row.line)
        }
        let types = names.indices.map { c in columnType(body.map { $0.fields[c] }) }
        return body.map { row in
            Row(names.indices.map { c in (names[c], typed(row.fields[c], types[c])) })
        }
    }

    private static func columnType(_ cells: [String]) -> ColumnType {
        let filled = cells.filter { !$0.isEmpty }
        if filled.isEmpty { return .string }
        if filled.allSatisfy({ Int($0) != nil }) { return .int }
        if filled.allSatisfy({
            Double($0) != nil && $0.first != "." && !$0.hasSuffix(".") && $0.lowercased() != "nan"
                && !$0.lowercased().contains("inf")
        }) {
            return .double
        }
        if filled.allSatisfy({ $0 == "true" || $0 == "false" }) { return .bool }
        return .string
    }

    private static func typed(_ cell: String, _ type: ColumnType) -> FieldValue {
        switch type {
        case .int: return Int(cell).map(FieldValue.int) ?? .null
        case .double: return Double(cell).map(FieldValue.double) ?? .null
        case .bool: return cell.isEmpty ? .null : .bool(cell == "true")
        default: return .string(cell)
        }
    }

    /// CSV text of `records` with a header of the union of their fields (CRLF line ends, as
    /// RFC 4180 says). Lists and records are written as JSON text; null as an empty cell.
    public static func write(_ records: [Row]) -> String {
        let names = Schema(inferringFrom: records).names
        var out = names.map(quote).joined(separator: ",") + "\r\n"
        for r in records {
            out += names.map { quote(r[$0]?.text ?? "") }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    private static func quote(_ cell: String) -> String {
        let needs =
            cell.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || cell.first == " " || cell.last == " "
        return needs ? "\"" + cell.replacingOccurrences("\"", with: "\"\"") + "\"" : cell
    }
}

extension String {
    /// `self` with every `target` replaced (kept here so the layer needs no Foundation for it).
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
