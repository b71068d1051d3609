import Crypto
import Foundation
import SafeFiles

extension SentenceEncoder {
    nonisolated(unsafe) private static var digests: [String: (file: [Int], modified: Date, hex: String)] = [:]
    private static let digestLock = NSLock()

    /// The SHA-256 (hex) of `directory/model.safetensors`, the weights a frozen student's file
    /// refers to. Computed once per process for each file (again if its inode, size or date
    /// change: a model installed again is hashed again).
    ///
    /// - Throws: `LearnError.checkpoint` when the file cannot be read.
    public static func weightsSHA256(directory: String) throws -> String {
        let path = directory + "/model.safetensors"
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue, let modified = attributes?[.modificationDate] as? Date
        else { throw LearnError.checkpoint("\(path) is missing: run `bash scripts/setup` to install \(modelName)") }
        digestLock.lock()
        defer { digestLock.unlock() }
        let file = [size, (attributes?[.systemFileNumber] as? NSNumber)?.intValue ?? -1]
        if let known = digests[path], known.file == file, known.modified == modified { return known.hex }
        let bytes: [UInt8]
        do {
            bytes = try SafeFile.read(path)
        } catch {
            throw LearnError.checkpoint("\(error)")
        }
        let hex = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        digests[path] = (file, modified, hex)
        return hex
    }
}
