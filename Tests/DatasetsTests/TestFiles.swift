import Foundation

/// A fresh temporary folder for one test, removed by the caller with `remove()`.
struct TempFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "datasets-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` in the folder and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let p = path + "/" + name
        try text.write(toFile: p, atomically: false, encoding: .utf8)
        return p
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: path + "/" + name, encoding: .utf8) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The names in a folder, sorted.
func FileManagerList(_ path: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
}

func FileExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

enum ProcessInfoEnvironment {
    static var home: String? { ProcessInfo.processInfo.environment["HOME"] }
}
