import Foundation
import Language

/// What `fewshot run` and `fewshot check` allow code from elsewhere: files under its own
/// folder, fewshot's home (`$FEWSHOT_HOME`, default `~/.cache/fewshot`) and `--allow-fs`
/// paths; the stdlib folder read-only; teachers only at the configured server and
/// `--allow-teacher-url` ones; and the run's time and memory limits (see docs/security.md).
///
/// ```swift
/// let confinement = Confinement(allowedPaths: ["../data"], allowedTeacherURLs: [], limits: ResourceLimits(timeout: 60))
/// workspace.confine(confinement, folder: "/work/notebooks")
/// ```
public struct Confinement: Sendable {
    /// Extra files or folders code may read and write (absolute, made so at creation).
    public var allowedPaths: [String]
    /// Extra teacher base URLs that may receive requests and the key.
    public var allowedTeacherURLs: [String]
    /// Wall-clock and memory limits of the run.
    public var limits: ResourceLimits

    /// A confinement; relative `allowedPaths` are taken against the current directory now.
    public init(allowedPaths: [String] = [], allowedTeacherURLs: [String] = [], limits: ResourceLimits = ResourceLimits()) {
        self.allowedPaths = allowedPaths.map(ConfinedFileAccess.absolute)
        self.allowedTeacherURLs = allowedTeacherURLs
        self.limits = limits
    }

    /// fewshot's own folder for models and data: `$FEWSHOT_HOME`, else `~/.cache/fewshot`.
    public static func fewshotHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["FEWSHOT_HOME"] ?? (NSHomeDirectory() + "/.cache/fewshot")
    }

    /// The file policy for code whose own folder is `folder`.
    public func fileAccess(folder: String, stdlib: String?) -> ConfinedFileAccess {
        ConfinedFileAccess(roots: [folder, Self.fewshotHome()] + allowedPaths, readOnlyRoots: stdlib.map { [$0] } ?? [])
    }

    /// The teacher policy: the configured server plus `allowedTeacherURLs`.
    public var teacherURLs: TeacherURLPolicy { .confined(allowing: allowedTeacherURLs) }

    /// Confines a session and its Workbench state to code living in `folder`.
    public func apply(to session: Session, state: WorkbenchState, folder: String) {
        session.fileAccess = fileAccess(folder: folder, stdlib: session.stdlibDirectory)
        state.teacherURLs = teacherURLs
    }
}

extension Workspace {
    /// Confines the workspace's cells (files, teachers) to a notebook living in `folder`.
    public func confine(_ confinement: Confinement, folder: String) {
        confinement.apply(to: session, state: state, folder: folder)
    }
}
