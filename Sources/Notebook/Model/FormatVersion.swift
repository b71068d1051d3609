/// The version of the .fsnb format, `MAJOR.MINOR`, on the first line of every notebook.
///
/// A reader accepts every minor version of the major versions it knows: newer minors only add
/// header entries, cell attributes and output kinds, which an older reader keeps verbatim.
/// A new major version is an incompatible change, which older readers refuse.
///
/// Version 2.0 ends every notebook with an `=== end` line, so that a file cut short (even
/// exactly at a cell boundary) is reported as truncated; 1.x files, which have no end line,
/// are still read, and are written back as 2.0.
public struct FormatVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Incompatible changes bump it.
    public var major: Int
    /// Compatible additions bump it.
    public var minor: Int

    /// The version this build of fewshot writes: 2.0.
    public static let current = FormatVersion(major: 2, minor: 0)

    /// The major versions this build reads: 1 (no end line) and 2.
    public static let readableMajors: ClosedRange<Int> = 1...2

    /// Whether the file must end with the `=== end` line (from 2.0 on).
    public var requiresEndLine: Bool { major >= 2 }

    /// A version `major.minor`.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// `"2.0"`.
    public var description: String { "\(major).\(minor)" }

    /// Orders versions by major, then minor.
    public static func < (a: FormatVersion, b: FormatVersion) -> Bool {
        (a.major, a.minor) < (b.major, b.minor)
    }
}
