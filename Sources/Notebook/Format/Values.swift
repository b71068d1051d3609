// Single-line values: header values (`key: value`) and attributes (`key=value`) on block
// lines. A value is written bare when that is unambiguous, otherwise as a quoted string with
// the escapes of docs/fsnb.md.

enum Values {
    /// Appends a header value: bare unless it is empty, starts with '"', has a leading or
    /// trailing blank, or holds a character that a body line would escape.
    static func appendHeaderValue(_ value: String, into out: inout [UInt8]) {
        var value = value
        value.withUTF8 { bytes in
            let bare =
                !bytes.isEmpty && bytes[0] != 0x22 && bytes[0] != 0x20 && bytes[0] != 0x09
                && BodyLines.isPlain(bytes)
            if bare { out += bytes } else { appendQuoted(bytes, into: &out) }
        }
    }

    /// Appends an attribute value: bare when it is a non-empty run of `[A-Za-z0-9._:/@+-]`.
    static func appendAttributeValue(_ value: String, into out: inout [UInt8]) {
        var value = value
        value.withUTF8 { bytes in
            if !bytes.isEmpty && bytes.allSatisfy(isBareAttributeByte) {
                out += bytes
            } else {
                appendQuoted(bytes, into: &out)
            }
        }
    }

    static func isBareAttributeByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "/"),
            UInt8(ascii: "@"), UInt8(ascii: "+"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.append(0x22)
        Escaping.escape(bytes, mode: .init(trailingSpaces: false, quoted: true), into: &out)
        out.append(0x22)
    }

    /// Reads a value starting at `i` (bare up to the next space, or quoted), returning it and
    /// the offset just past it.
    static func read(_ line: UnsafeBufferPointer<UInt8>, from i: Int, bareToEnd: Bool) throws(FormatProblem) -> (String, Int) {
        let end = line.count
        guard i < end, line[i] == 0x22 else {
            var j = i
            if !bareToEnd { while j < end && line[j] != 0x20 { j += 1 } } else { j = end }
            guard j > i else { throw FormatProblem("a value is missing (write \"\" for an empty one)") }
            return (String(decoding: UnsafeBufferPointer(rebasing: line[i..<j]), as: UTF8.self), j)
        }
        var j = i + 1
        while j < end && line[j] != 0x22 {
            j += line[j] == 0x5C ? 2 : 1
        }
        guard j < end else { throw FormatProblem("a quoted value has no closing '\"'") }
        var bytes: [UInt8] = []
        try Escaping.unescape(UnsafeBufferPointer(rebasing: line[(i + 1)..<j]), into: &bytes)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FormatProblem("a quoted value is not valid UTF-8")
        }
        return (text, j + 1)
    }
}

/// One `key=value` attribute, or a bare word (`key` only, `value` nil) on a block line.
public struct Attribute: Hashable, Sendable {
    /// The attribute's name: `[a-z0-9-]+`.
    public var key: String
    /// Its value; nil for a bare word such as `stdout` in `--- stream stdout`.
    public var value: String?

    /// An attribute `key=value`.
    ///
    ///     Attribute(key: "seed", value: "42")   // written as seed=42
    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }

    static func isValidKey(_ key: Substring.UTF8View) -> Bool {
        !key.isEmpty
            && key.allSatisfy {
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z"))
                    || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
            }
    }

    /// Parses the attributes of a block line after its kind: `a=1 b="x y" word`.
    static func parseList(_ line: UnsafeBufferPointer<UInt8>, from start: Int) throws(FormatProblem) -> [Attribute] {
        var list: [Attribute] = []
        var i = start
        let end = line.count
        while i < end {
            guard line[i] == 0x20, i + 1 < end, line[i + 1] != 0x20 else {
                throw FormatProblem("attributes are separated by single spaces")
            }
            i += 1
            var j = i
            while j < end && line[j] != UInt8(ascii: "=") && line[j] != 0x20 { j += 1 }
            let key = String(decoding: UnsafeBufferPointer(rebasing: line[i..<j]), as: UTF8.self)
            guard isValidKey(key[...].utf8) else {
                throw FormatProblem("'\(key)' is not an attribute name (lower-case letters, digits, '-')")
            }
            if j < end && line[j] == UInt8(ascii: "=") {
                let (value, next) = try Values.read(line, from: j + 1, bareToEnd: false)
                list.append(Attribute(key: key, value: value))
                i = next
            } else {
                list.append(Attribute(key: key, value: nil))
                i = j
            }
        }
        return list
    }

    /// Appends ` key=value` (or ` key`) to `out`.
    func append(into out: inout [UInt8]) {
        out.append(0x20)
        out += Array(key.utf8)
        if let value {
            out.append(UInt8(ascii: "="))
            Values.appendAttributeValue(value, into: &out)
        }
    }
}
