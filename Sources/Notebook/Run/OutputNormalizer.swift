/// Masks the values in outputs that change from run to run even when nothing is wrong
/// (durations, timings, rates, ETAs, clock times, temporary paths, memory addresses, and
/// terminal colour codes, present or not depending on where it ran), so that
/// `NotebookRunner.check` compares what matters. All the rules live here, in `standard`.
///
///     OutputNormalizer.standard.normalize("epoch 3 done in 1.84s (412.5 tok/s)")
///     // "epoch 3 done in <duration> (<rate>)"
///
/// The text is scanned once, left to right; at each position the first rule that matches
/// there replaces its match, and the scan goes on after it. The rules are hand-written
/// matchers over UTF-8 bytes (the same patterns as the regular expressions quoted in each
/// rule's `pattern`), because Swift's `Regex` scans at well under 1 MB/s, which would make
/// checking a notebook with large outputs take minutes.
public struct OutputNormalizer: Sendable {
    /// One rewrite: a match becomes `replacement`.
    public struct Rule: Sendable {
        /// What the rule masks.
        public let name: String
        /// The pattern, as a regular expression, for the reader (`\b` is an ASCII word boundary).
        public let pattern: String
        /// The text that replaces each match.
        public let replacement: String
        let matcher: Matcher
    }

    /// The rules, in priority order.
    public var rules: [Rule]

    /// A normaliser applying `rules` (a selection of `standard.rules`, say).
    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// The rules `fewshot check` uses. Order matters: timestamps before clock times, rates
    /// (`tok/s`, `s/it`) before bare durations.
    public static let standard = OutputNormalizer(rules: [
        Rule(name: "terminal colour", pattern: #"\x1B\[[0-9;]*m"#, replacement: "", matcher: .colour),
        Rule(
            name: "timestamp", pattern: #"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?"#,
            replacement: "<timestamp>", matcher: .timestamp),
        Rule(
            name: "temporary path", pattern: #"(/private)?/(tmp|var/tmp|var/folders|dev/shm)/[^\s"'`)\]]*"#,
            replacement: "<tmp>", matcher: .temporaryPath),
        Rule(name: "memory address", pattern: #"\b0x[0-9a-fA-F]{6,16}\b"#, replacement: "<address>", matcher: .address),
        Rule(
            name: "rate",
            pattern: #"\b\d+(\.\d+)?\s?(tokens|tok|items|it|samples|examples|ex|steps|batches|rows|[kKMG]i?B|B)/s\b"#,
            replacement: "<rate>", matcher: .rate),
        Rule(
            name: "seconds per item", pattern: #"\b\d+(\.\d+)?\s?s/(it|step|batch|token|tok)\b"#,
            replacement: "<rate>", matcher: .secondsPerItem),
        Rule(
            name: "clock time or ETA", pattern: #"(?<![\w:.])\d{1,2}:\d{2}(:\d{2})?(\.\d+)?(?![\w:])"#,
            replacement: "<clock>", matcher: .clock),
        Rule(
            name: "compound duration", pattern: #"\b(\d+h)?\d+m\d+(\.\d+)?s\b"#,
            replacement: "<duration>", matcher: .compoundDuration),
        Rule(
            name: "duration", pattern: #"\b\d+(\.\d+)?\s?(ns|µs|us|ms|s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?)\b"#,
            replacement: "<duration>", matcher: .duration),
    ])

    /// `text` with every rule applied.
    public func normalize(_ text: String) -> String {
        let bytes = Array(text.utf8)
        // Plain arrays for the hot loop: iterating `rules` itself would retain each rule's
        // strings at every digit.
        let matchers = rules.map(\.matcher)
        let replacements = rules.map { Array($0.replacement.utf8) }
        return bytes.withUnsafeBufferPointer { buffer in
            let b = Bytes(buffer)
            var out: [UInt8] = []
            out.reserveCapacity(buffer.count)
            var i = 0
            scan: while i < buffer.count {
                let c = buffer[i]
                // Every rule starts with a digit, '/' or ESC: skip everything else quickly.
                if c == 0x1B || c == UInt8(ascii: "/") || Match.isDigit(c) {
                    for k in matchers.indices {
                        if let end = matchers[k].end(in: b, at: i) {
                            out.append(contentsOf: replacements[k])
                            i = end
                            continue scan
                        }
                    }
                }
                out.append(c)
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// `output` with its text normalised (PNG bytes and unrecognised outputs unchanged).
    public func normalize(_ output: CellOutput) -> CellOutput {
        switch output {
        case .stream(let stream, let text): return .stream(stream, normalize(text))
        case .table(let text): return .table(normalize(text))
        case .svg(let text): return .svg(normalize(text))
        case .error(let message, let diagnostic): return .error(message: normalize(message), diagnostic: normalize(diagnostic))
        case .png, .unrecognized: return output
        }
    }
}

/// Bytes under a normaliser scan, read with bounds checks that answer 0 past the end.
struct Bytes {
    let buffer: UnsafeBufferPointer<UInt8>
    init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }
    var count: Int { buffer.count }
    subscript(_ i: Int) -> UInt8 { i >= 0 && i < buffer.count ? buffer[i] : 0 }

    func has(_ literal: StaticString, at i: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard i >= 0, i + count <= buffer.count else { return false }
        let p = literal.utf8Start
        for k in 0..<count where buffer[i + k] != p[k] { return false }
        return true
    }
}

/// Which matcher a rule uses: an enum rather than closures, so that the hot loop makes
/// direct calls without reference counting.
enum Matcher: Sendable {
    case colour, timestamp, temporaryPath, address, rate, secondsPerItem, clock, compoundDuration, duration

    /// The end of a match starting at `i`, or nil.
    func end(in b: Bytes, at i: Int) -> Int? {
        switch self {
        case .colour: return Match.colour(b, i)
        case .timestamp: return Match.timestamp(b, i)
        case .temporaryPath: return Match.temporaryPath(b, i)
        case .address: return Match.address(b, i)
        case .rate: return Match.rate(b, i)
        case .secondsPerItem: return Match.secondsPerItem(b, i)
        case .clock: return Match.clock(b, i)
        case .compoundDuration: return Match.compoundDuration(b, i)
        case .duration: return Match.duration(b, i)
        }
    }
}

/// The matchers of `OutputNormalizer.standard`, one per rule.
enum Match {
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66) }
    static func isWord(_ c: UInt8) -> Bool {
        isDigit(c) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == UInt8(ascii: "_")
    }

    /// `\b` before the character at `i` when that character is a word character.
    static func wordStart(_ b: Bytes, _ i: Int) -> Bool { i == 0 || !isWord(b[i - 1]) }
    /// `\b` after a word character ending at `end`.
    static func wordEnd(_ b: Bytes, _ end: Int) -> Bool { end >= b.count || !isWord(b[end]) }

    /// The end of a run of digits at `i` with `min...max` digits, or nil.
    static func digits(_ b: Bytes, _ i: Int, min: Int = 1, max: Int = .max) -> Int? {
        var k = i
        while k < b.count && isDigit(b[k]) && k - i < max { k += 1 }
        return k - i >= min ? k : nil
    }

    /// `\d+(\.\d+)?` at `i`.
    static func number(_ b: Bytes, _ i: Int) -> Int? {
        guard let whole = digits(b, i) else { return nil }
        if b[whole] == UInt8(ascii: "."), let fraction = digits(b, whole + 1) { return fraction }
        return whole
    }

    /// `\s?` at `i`: the offset after an optional blank.
    static func optionalSpace(_ b: Bytes, _ i: Int) -> Int {
        b[i] == 0x20 || b[i] == 0x09 ? i + 1 : i
    }

    /// The end of the first of `words` (each followed by `suffix`) at `i` that is followed
    /// by a word boundary, or nil.
    static func word(_ b: Bytes, _ i: Int, _ words: [StaticString], suffix: StaticString = "") -> Int? {
        // Every unit starts with a letter or 'µ' (0xC2 0xB5): most numbers stop here.
        let first = b[i]
        guard (first | 0x20 >= 0x61 && first | 0x20 <= 0x7A) || first == 0xC2 else { return nil }
        for word in words where word.utf8Start[0] == first && b.has(word, at: i) {
            let end = i + word.utf8CodeUnitCount
            guard b.has(suffix, at: end) else { continue }
            if wordEnd(b, end + suffix.utf8CodeUnitCount) { return end + suffix.utf8CodeUnitCount }
        }
        return nil
    }

    static func colour(_ b: Bytes, _ i: Int) -> Int? {
        guard b[i] == 0x1B, b[i + 1] == UInt8(ascii: "[") else { return nil }
        var k = i + 2
        while isDigit(b[k]) || b[k] == UInt8(ascii: ";") { k += 1 }
        return b[k] == UInt8(ascii: "m") ? k + 1 : nil
    }

    static func timestamp(_ b: Bytes, _ i: Int) -> Int? {
        guard wordStart(b, i), let year = digits(b, i, min: 4, max: 4), b[year] == UInt8(ascii: "-"),
            let month = digits(b, year + 1, min: 2, max: 2), b[month] == UInt8(ascii: "-"),
            let day = digits(b, month + 1, min: 2, max: 2), b[day] == UInt8(ascii: "T") || b[day] == 0x20,
            let hour = digits(b, day + 1, min: 2, max: 2), b[hour] == UInt8(ascii: ":"),
            let minute = digits(b, hour + 1, min: 2, max: 2), b[minute] == UInt8(ascii: ":"),
            var end = digits(b, minute + 1, min: 2, max: 2)
        else { return nil }
        if b[end] == UInt8(ascii: "."), let fraction = digits(b, end + 1) { end = fraction }
        if b[end] == UInt8(ascii: "Z") { return end + 1 }
        if b[end] == UInt8(ascii: "+") || b[end] == UInt8(ascii: "-"), let zoneHour = digits(b, end + 1, min: 2, max: 2) {
            let colon = b[zoneHour] == UInt8(ascii: ":") ? zoneHour + 1 : zoneHour
            if let zoneMinute = digits(b, colon, min: 2, max: 2) { return zoneMinute }
        }
        return end
    }

    private static let temporaryRoots: [StaticString] = ["/tmp/", "/var/tmp/", "/var/folders/", "/dev/shm/"]

    static func temporaryPath(_ b: Bytes, _ i: Int) -> Int? {
        guard b[i] == UInt8(ascii: "/") else { return nil }
        let start = b.has("/private/", at: i) ? i + 8 : i
        guard let prefix = temporaryRoots.first(where: { b.has($0, at: start) }) else { return nil }
        var k = start + prefix.utf8CodeUnitCount
        while k < b.count {
            let c = b[k]
            if c == 0x20 || (c >= 0x09 && c <= 0x0D) || c == 0x22 || c == 0x27 || c == 0x60 || c == 0x29 || c == 0x5D { break }
            k += 1
        }
        return k
    }

    static func address(_ b: Bytes, _ i: Int) -> Int? {
        guard wordStart(b, i), b[i] == UInt8(ascii: "0"), b[i + 1] == UInt8(ascii: "x") else { return nil }
        var k = i + 2
        while isHex(b[k]) && k < b.count { k += 1 }
        let count = k - i - 2
        return count >= 6 && count <= 16 && wordEnd(b, k) ? k : nil
    }

    private static let rateUnits: [StaticString] = [
        "tokens", "tok", "items", "it", "samples", "examples", "ex", "steps", "batches", "rows",
        "kiB", "KiB", "MiB", "GiB", "kB", "KB", "MB", "GB", "B",
    ]

    static func rate(_ b: Bytes, _ i: Int) -> Int? {
        guard wordStart(b, i), let end = number(b, i) else { return nil }
        return word(b, optionalSpace(b, end), rateUnits, suffix: "/s")
    }

    private static let perItemUnits: [StaticString] = ["it", "step", "batch", "token", "tok"]

    static func secondsPerItem(_ b: Bytes, _ i: Int) -> Int? {
        guard wordStart(b, i), let end = number(b, i) else { return nil }
        let unit = optionalSpace(b, end)
        guard b.has("s/", at: unit) else { return nil }
        return word(b, unit + 2, perItemUnits)
    }

    static func clock(_ b: Bytes, _ i: Int) -> Int? {
        if i > 0 && (isWord(b[i - 1]) || b[i - 1] == UInt8(ascii: ":") || b[i - 1] == UInt8(ascii: ".")) { return nil }
        guard let hours = digits(b, i, min: 1, max: 2), b[hours] == UInt8(ascii: ":"),
            let minutes = digits(b, hours + 1, min: 2, max: 2)
        else { return nil }
        // Longest first, as the regular expression backtracks: with seconds, then without.
        var ends: [Int] = []
        if b[minutes] == UInt8(ascii: ":"), let seconds = digits(b, minutes + 1, min: 2, max: 2) {
            if b[seconds] == UInt8(ascii: "."), let fraction = digits(b, seconds + 1) { ends.append(fraction) }
            ends.append(seconds)
        }
        if b[minutes] == UInt8(ascii: "."), let fraction = digits(b, minutes + 1) { ends.append(fraction) }
        ends.append(minutes)
        return ends.first { !isWord(b[$0]) && b[$0] != UInt8(ascii: ":") }
    }

    static func compoundDuration(_ b: Bytes, _ i: Int) -> Int? {
        guard wordStart(b, i), var k = digits(b, i) else { return nil }
        if b[k] == UInt8(ascii: "h") {
            guard let minutes = digits(b, k + 1) else { return nil }
            k = minutes
        }
        guard b[k] == UInt8(ascii: "m"), let seconds = number(b, k + 1), b[seconds] == UInt8(ascii: "s"),
            wordEnd(b, seconds + 1)
        else { return nil }
        return seconds + 1
    }

    private static let durationUnits: [StaticString] = [
        "seconds", "second", "secs", "sec", "minutes", "minute", "mins", "min", "hours", "hour", "hrs", "hr",
        "ns", "µs", "us", "ms", "s", "h",
    ]

    static func duration(_ b: Bytes, _ i: Int) -> Int? {
        guard wordStart(b, i), let end = number(b, i) else { return nil }
        return word(b, optionalSpace(b, end), durationUnits)
    }
}
