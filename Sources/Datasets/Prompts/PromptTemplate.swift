/// A prompt with `{field}` slots filled from a record, an optional system message and an
/// output specification saying how the teacher's reply is read back into a record.
/// `{{` and `}}` stand for literal braces.
///
/// ```swift
/// let p = try PromptTemplate("Tweet: {text}\nSentiment:", system: "Classify tweets.",
///                            output: .label(allowed: ["positive", "negative", "neutral"]))
/// try p.render(["text": "love it"])   // "Tweet: love it\nSentiment:"
/// ```
public struct PromptTemplate: Hashable, Sendable {
    enum Piece: Hashable, Sendable {
        case literal(String)
        case slot(String)
    }

    /// The template text as written.
    public let template: String
    /// The system message template (may hold slots too), or nil.
    public let system: String?
    /// How replies are parsed, and what a worked example's reply looks like.
    public let output: OutputSpec
    /// Append the output spec's format instructions to the system message.
    public let includeFormatInstructions: Bool
    let pieces: [Piece]
    let systemPieces: [Piece]?

    /// A template.
    /// - Throws: `DatasetError` for an unclosed `{`, a stray `}` or an empty slot, with its column.
    public init(_ template: String, system: String? = nil, output: OutputSpec = .text(), includeFormatInstructions: Bool = true)
        throws
    {
        self.template = template
        self.system = system
        self.output = output
        self.includeFormatInstructions = includeFormatInstructions
        pieces = try Self.parse(template)
        systemPieces = try system.map { try Self.parse($0, what: "system message") }
    }

    /// The slot names in order of first use (template, then system message).
    public var slots: [String] {
        var seen = Set<String>()
        return (pieces + (systemPieces ?? [])).compactMap { piece -> String? in
            if case .slot(let s) = piece, seen.insert(s).inserted { return s }
            return nil
        }
    }

    /// The template filled from `record` (the user's turn).
    /// - Throws: `DatasetError` naming the missing slot and the record's fields.
    public func render(_ record: Row) throws -> String { try Self.fill(pieces, record) }

    /// The system message filled from `record`, plus the output format instructions, or nil.
    public func renderSystem(_ record: Row) throws -> String? {
        let base = try systemPieces.map { try Self.fill($0, record) }
        let instructions = includeFormatInstructions ? output.instructions : nil
        switch (base, instructions) {
        case (nil, nil): return nil
        case (let b?, nil): return b
        case (nil, let i?): return i
        case (let b?, let i?): return b + "\n\n" + i
        }
    }

    static func fill(_ pieces: [Piece], _ record: Row) throws -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .literal(let s): out += s
            case .slot(let name):
                guard let v = record[name] else {
                    let fields = record.names.isEmpty ? "(none)" : record.names.joined(separator: ", ")
                    throw DatasetError("no field '\(name)' for the slot {\(name)} in the record \(record); its fields: \(fields)")
                }
                out += v.text
            }
        }
        return out
    }

    static func parse(_ text: String, what: String = "template") throws -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        var chars = Array(text)
        var i = 0
        func fail(_ message: String) -> DatasetError {
            DatasetError("\(message) at column \(i + 1) of the \(what); write {{ or }} for a literal brace")
        }
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count, chars[i + 1] == "{" { literal.append("{"); i += 2; continue }
                guard let close = chars[(i + 1)...].firstIndex(where: { $0 == "}" || $0 == "{" || $0 == "\n" }),
                    chars[close] == "}"
                else {
                    throw fail("unclosed slot '{'")
                }
                let name = String(chars[(i + 1)..<close]).trimmingSpaces
                guard !name.isEmpty else { throw fail("empty slot '{}'") }
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                pieces.append(.slot(name))
                i = close + 1
            } else if c == "}" {
                guard i + 1 < chars.count, chars[i + 1] == "}" else { throw fail("stray '}'") }
                literal.append("}")
                i += 2
            } else {
                literal.append(c)
                i += 1
            }
        }
        chars.removeAll()
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }
}

extension String {
    /// `self` without leading and trailing whitespace and newlines.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
