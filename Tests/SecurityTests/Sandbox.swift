import Foundation
import Testing

/// A scratch layout for one test: `work/` (the notebook's folder) next to `outside/`, which
/// holds a secret the code must not reach.
final class Sandbox {
    let root: URL
    let work: URL
    let outside: URL
    static let secret = "TOP-SECRET-\(UUID().uuidString)"

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-security-\(UUID().uuidString)")
        work = root.appendingPathComponent("work")
        outside = root.appendingPathComponent("outside")
        for folder in [work, outside] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try Sandbox.secret.write(to: outside.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Copies the hostile file `name` from Tests/SecurityTests/Hostile into `work/`.
    @discardableResult
    func copyHostile(_ name: String) throws -> URL {
        let source = Bundle.module.resourceURL!.appendingPathComponent("Hostile/\(name)")
        let target = work.appendingPathComponent(name)
        try FileManager.default.copyItem(at: source, to: target)
        return target
    }

    /// What a hostile file says it expects: its `# expect: ...` lines.
    static func expectations(of name: String) throws -> [String] {
        let text = try String(contentsOf: Bundle.module.resourceURL!.appendingPathComponent("Hostile/\(name)"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            line.hasPrefix("# expect: ") ? String(line.dropFirst("# expect: ".count)) : nil
        }
    }
}

/// The byte of ESC (0x1B): terminal control sequences start with it.
let escapeByte: UInt8 = 0x1B
