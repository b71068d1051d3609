/// The version of the .fsnb format, `MAJOR.MINOR`, on the first line of every notebook.
///
/// A reader accepts every minor version of its own major version: newer minors only add
/// header entries, cell attributes and output kinds, which an older reader keeps verbatim.
/// A new major version is an incompatible change, which older readers refuse.
public struct FormatVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Incompatible changes bump it.
    public var major: Int
    /// Compatible additions bump it.
    public var minor: Int

    /// The version this build of fewshot writes: 1.0.
    public static let current = FormatVersion(major: 1, minor: 0)

    /// A version `major.minor`.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// `"1.0"`.
    public var description: String { "\(major).\(minor)" }

    /// Orders versions by major, then minor.
    public static func < (a: FormatVersion, b: FormatVersion) -> Bool {
        (a.major, a.minor) < (b.major, b.minor)
    }
}
