// Shared helpers for the Notebook tests: a seeded generator of hostile content and exact
// (byte-level) comparison of notebooks, since String's == treats canonically equivalent
// text as equal.

import Notebook

/// SplitMix64: a small seeded generator, so a failing case can be reproduced from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Text built to break a line format: the format's own delimiters at line starts, every
/// kind of line ending, controls, escapes, quotes, trailing blanks and scalars from all 17
/// Unicode planes.
enum HostileText {
    static let fragments: [String] = [
        "=== code id=x count=1", "--- stream stdout", "--- error message=\"boom\"", "=== teacher-recording",
        "fsnb 1.0", "fsnb 9.0", "teacher-model: gpt", "|", "| ", "\\", "\\ ", "\\x41", "\\u{41}", "\\\\",
        "\"", "\"\"", "key: value", "\r\n", "\r", "\n", "\n\n", "\t", " ", "  ", "\u{0}", "\u{7F}", "\u{85}",
        "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{1B}[31mred\u{1B}[0m", "é", "e\u{301}", "👩‍👩‍👧", "print(1)",
        "#", "```", "---", "===", "",
    ]

    static func make(_ rng: inout SeededGenerator, maxPieces: Int = 24) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...maxPieces, using: &rng) {
            if Bool.random(using: &rng) {
                text += fragments.randomElement(using: &rng)!
            } else {
                text.unicodeScalars.append(randomScalar(&rng))
            }
        }
        return text
    }

    /// A scalar from a random plane (0 to 16), avoiding surrogates.
    static func randomScalar(_ rng: inout SeededGenerator) -> Unicode.Scalar {
        while true {
            let plane = UInt32.random(in: 0...16, using: &rng)
            let low = plane == 0 ? UInt32.random(in: 0...0x7F, using: &rng) : UInt32.random(in: 0...0xFFFF, using: &rng)
            let value = plane == 0 && Bool.random(using: &rng) ? UInt32.random(in: 0...0xFFFF, using: &rng) : plane << 16 | low
            if let scalar = Unicode.Scalar(value) { return scalar }
        }
    }

    static func bytes(_ rng: inout SeededGenerator, count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }
}

/// A byte-exact picture of a notebook's content, for comparisons that `==` would blur.
func exactContent(_ notebook: Notebook) -> [[UInt8]] {
    var parts: [[UInt8]] = []
    for cell in notebook.cells {
        parts.append(Array(cell.id.utf8))
        parts.append(Array(cell.source.utf8))
        for output in cell.outputs {
            parts.append(Array(output.kindName.utf8))
            switch output {
            case .stream(let s, let t): parts += [Array(s.rawValue.utf8), Array(t.utf8)]
            case .table(let t), .svg(let t): parts.append(Array(t.utf8))
            case .png(let b): parts.append(b)
            case .error(let m, let d): parts += [Array(m.utf8), Array(d.utf8)]
            case .unrecognized(let u): parts += [Array(u.header.utf8), u.body]
            }
        }
    }
    parts.append(notebook.teacherRecording?.content ?? [])
    for entry in notebook.metadata.extra { parts += [Array(entry.key.utf8), Array(entry.value.utf8)] }
    return parts
}

/// A random notebook of `cells` cells with hostile content everywhere content may go.
func hostileNotebook(_ rng: inout SeededGenerator, cells: Int) -> Notebook {
    var notebook = Notebook(metadata: NotebookMetadata(fewshotVersion: HostileText.make(&rng, maxPieces: 3)))
    if Bool.random(using: &rng) {
        notebook.metadata.teacher = TeacherConfiguration(
            model: HostileText.make(&rng, maxPieces: 4), baseURL: "http://localhost:8080/v1")
    }
    notebook.metadata.extra.append(MetadataEntry(key: "note", value: HostileText.make(&rng, maxPieces: 6)))
    for i in 0..<cells {
        let kind: Cell.Kind = Bool.random(using: &rng) ? .code : .text
        var cell = Cell(id: "c\(i)", kind: kind, source: HostileText.make(&rng))
        if kind == .code {
            cell.executionCount = Bool.random(using: &rng) ? i + 1 : nil
            cell.duration = Bool.random(using: &rng) ? Double(UInt16.random(in: 0...9999, using: &rng)) / 997 : nil
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                switch Int.random(in: 0...5, using: &rng) {
                case 0: cell.outputs.append(.stream(.stdout, HostileText.make(&rng)))
                case 1: cell.outputs.append(.stream(.stderr, HostileText.make(&rng)))
                case 2: cell.outputs.append(.table(HostileText.make(&rng)))
                case 3: cell.outputs.append(.svg(HostileText.make(&rng)))
                case 4: cell.outputs.append(.png(HostileText.bytes(&rng, count: Int.random(in: 0...200, using: &rng))))
                default:
                    cell.outputs.append(.error(message: HostileText.make(&rng, maxPieces: 5), diagnostic: HostileText.make(&rng)))
                }
            }
        }
        try! notebook.append(cell)
    }
    if Bool.random(using: &rng) {
        notebook.teacherRecording = TeacherRecording(
            content: HostileText.bytes(&rng, count: Int.random(in: 0...300, using: &rng)))
    }
    return notebook
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}
