import ArgumentParser
import Foundation
import Workbench

/// The options of `run` and `check` that loosen or tighten what the code may do
/// (see docs/security.md).
struct ConfinementOptions: ParsableArguments {
    @Option(
        name: .customLong("allow-fs"),
        help: ArgumentHelp("Also let the code read and write PATH (a file or folder; repeatable).", valueName: "path"))
    var allowFS: [String] = []

    @Option(
        name: .customLong("allow-teacher-url"),
        help: ArgumentHelp(
            "Also let teachers send requests (and the API key) to this base URL (repeatable).", valueName: "url"))
    var allowTeacherURL: [String] = []

    @Option(help: ArgumentHelp("Stop with an error (exit 124) after this many seconds.", valueName: "seconds"))
    var timeout: Double?

    @Option(
        name: .customLong("max-memory"),
        help: ArgumentHelp("Stop with an error (exit 125) past this much resident memory.", valueName: "MB"))
    var maxMemory: Int?

    func validate() throws {
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
        if let maxMemory, maxMemory <= 0 { throw ValidationError("--max-memory must be a positive number of MB") }
        for url in allowTeacherURL where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("--allow-teacher-url \(url) is not an http:// or https:// URL")
        }
    }

    /// The confinement these options describe (relative paths taken against the start directory).
    var confinement: Confinement {
        Confinement(
            allowedPaths: allowFS.map(NotebookCommand.absolute), allowedTeacherURLs: allowTeacherURL,
            limits: ResourceLimits(timeout: timeout, maxMemoryMB: maxMemory))
    }
}
