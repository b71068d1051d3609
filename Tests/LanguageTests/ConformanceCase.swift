import Foundation
import Testing

/// One annotated script under Tests/Conformance/<feature>/<case>.shot.
///
/// Annotations are comments:
/// - `# expect: TEXT` — the next line of output (in order);
/// - `# error: LINE:COL: MESSAGE` — a diagnostic the script must produce (all of them, in order).
/// A script with errors must produce exactly those (and the output before a runtime error).
struct ConformanceCase: CustomTestStringConvertible, Sendable {
    let path: String
    let name: String
    let source: String
    let expectedOutput: [String]
    let expectedErrors: [String]

    var testDescription: String { name }

    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Conformance")

    static let all: [ConformanceCase] = {
        let fm = FileManager.default
        var cases: [ConformanceCase] = []
        let features = (try? fm.contentsOfDirectory(atPath: root.path).sorted()) ?? []
        for feature in features {
            let dir = root.appendingPathComponent(feature)
            let files = (try? fm.contentsOfDirectory(atPath: dir.path).sorted()) ?? []
            for f in files where f.hasSuffix(".shot") {
                let path = dir.appendingPathComponent(f).path
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
                cases.append(ConformanceCase(path: path, name: "\(feature)/\(f)", source: text))
            }
        }
        return cases
    }()

    init(path: String, name: String, source: String) {
        self.path = path
        self.name = name
        self.source = source
        var out: [String] = [], errs: [String] = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if let r = line.range(of: "# expect: ") {
                out.append(String(line[r.upperBound...]))
            } else if line.hasSuffix("# expect:") {
                out.append("")
            }
            if let r = line.range(of: "# error: ") { errs.append(String(line[r.upperBound...])) }
        }
        expectedOutput = out
        expectedErrors = errs
    }

    /// "LINE:COL: MESSAGE" for a diagnostic, the format of `# error:` lines.
    static func format(line: Int, column: Int, message: String) -> String { "\(line):\(column): \(message)" }
}
