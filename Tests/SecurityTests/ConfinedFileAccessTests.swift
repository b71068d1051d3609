import Foundation
import Language
import Testing

@testable import Workbench

@Suite struct ConfinedFileAccessTests {
    let box: Sandbox
    let policy: ConfinedFileAccess
    let stdlib: URL

    init() throws {
        box = try Sandbox()
        stdlib = box.root.appendingPathComponent("stdlib")
        try FileManager.default.createDirectory(at: stdlib, withIntermediateDirectories: true)
        policy = ConfinedFileAccess(roots: [box.work.path], readOnlyRoots: [stdlib.path])
    }

    func refusal(_ path: String, _ mode: FileAccessPolicy.Mode = .read) -> String? {
        do {
            _ = try policy.resolve(path, mode: mode, relativeTo: box.work.path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func pathsInsideAreAllowedEvenNotYetExisting() throws {
        #expect(refusal("data.csv") == nil)
        #expect(refusal("sub/dir/new.txt", .write) == nil)
        #expect(refusal("./a/../b.txt") == nil)
        #expect(refusal(box.work.appendingPathComponent("x").path) == nil)
    }

    @Test func dotDotAndAbsolutePathsOutsideAreRefusedNamingPathAndFlag() throws {
        let message = try #require(refusal("../outside/secret.txt"))
        #expect(message.contains("cannot read '../outside/secret.txt'"))
        #expect(message.contains("--allow-fs \(try #require(ConfinedFileAccess.realPath(box.outside.path)))/secret.txt"))
        #expect(refusal("/etc/passwd") != nil)
        #expect(refusal("/", .write) != nil)
        #expect(refusal("sub/../../outside/x", .write) != nil)
    }

    @Test func symlinksAreFollowedBeforeChecking() throws {
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: box.work.appendingPathComponent("out").path, withDestinationPath: box.outside.path)
        try fm.createSymbolicLink(
            atPath: box.work.appendingPathComponent("dangling").path, withDestinationPath: "../outside/nope.txt")
        try fm.createSymbolicLink(atPath: box.work.appendingPathComponent("inner").path, withDestinationPath: "sub")
        try fm.createSymbolicLink(atPath: box.work.appendingPathComponent("loop").path, withDestinationPath: "loop")
        #expect(try #require(refusal("out/secret.txt")).contains("through a symbolic link"))
        #expect(refusal("out/new.txt", .write) != nil)
        #expect(refusal("dangling", .write) != nil)  // writing would create the file outside
        #expect(refusal("inner/file.txt") == nil)
        #expect(try #require(refusal("loop/x")).contains("too many symbolic links"))
    }

    @Test func readOnlyRootsRefuseWrites() throws {
        #expect(refusal(stdlib.appendingPathComponent("prelude.shot").path) == nil)
        #expect(try #require(refusal(stdlib.appendingPathComponent("prelude.shot").path, .write)).contains("read-only"))
    }

    @Test func theResolvedPathIsWhatGetsOpened() throws {
        let resolved = try policy.resolve("a/../b.txt", mode: .write, relativeTo: box.work.path)
        #expect(resolved == (try #require(ConfinedFileAccess.realPath(box.work.path))) + "/b.txt")
    }

    @Test func kernelCellsAreConfinedAndTheSessionGoesOn() throws {
        let workspace = try Workspace()
        workspace.confine(Confinement(), folder: box.work.path)
        try "inside".write(to: box.work.appendingPathComponent("in.txt"), atomically: true, encoding: .utf8)
        let inside = workspace.run(#"read_text("\#(box.work.path)/in.txt")"#, executionCount: 1)
        #expect(inside == [.stream(.stdout, "\"inside\"\n")])
        let outside = workspace.run(#"read_text("\#(box.outside.path)/secret.txt")"#, executionCount: 2)
        guard case .error(let message, _)? = outside.first else {
            Issue.record("expected a refusal, got \(outside)")
            return
        }
        #expect(message.contains("outside the folders"))
    }
}
