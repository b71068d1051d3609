import Testing

@testable import Notebook

/// Damaged files must give a `NotebookError`, never a crash, and whatever the reader accepts
/// must save to a canonical form that reads back to itself.
@Suite struct FuzzTests {
    static let palette: [UInt8] = Array("|\\ =-\n\r\"x0:{}u".utf8) + [0x00, 0xC3, 0xFF, 0x09]

    @Test func mutatedFilesFailCleanlyOrNormalise() throws {
        var rng = SeededGenerator(seed: 2024)
        var accepted = 0
        var refused = 0
        for round in 0..<1500 {
            var source = hostileNotebook(&rng, cells: 3)
            if round % 3 == 0 { source.metadata.extra.append(MetadataEntry(key: "seed", value: "7")) }
            var bytes = try source.fsnb()
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0...bytes.count, using: &rng)
                switch Int.random(in: 0...2, using: &rng) {
                case 0 where at < bytes.count: bytes.remove(at: at)
                case 1 where at < bytes.count: bytes[at] = Self.palette.randomElement(using: &rng)!
                default: bytes.insert(Self.palette.randomElement(using: &rng)!, at: at)
                }
            }
            // Typed throws: the reader can only throw NotebookError.
            guard let notebook = try? Notebook(fsnb: bytes) else {
                refused += 1
                continue
            }
            accepted += 1
            let canonical = try notebook.fsnb()
            let again = try Notebook(fsnb: canonical)
            #expect(exactContent(again) == exactContent(notebook), "round \(round)")
            #expect(try again.fsnb() == canonical, "round \(round)")
        }
        print("fuzz: \(accepted) mutated files accepted and normalised, \(refused) refused with an error")
        #expect(accepted > 0 && refused > 0)
    }
}
