/// The teacher exchanges recorded while the notebook ran, so that a replay needs no network
/// and no key. The Teacher layer owns what the bytes mean; the notebook stores them verbatim,
/// either inside the `.fsnb` file or in one sidecar file next to it.
///
///     // after a live run: take the recording from the Teacher layer
///     notebook.teacherRecording = TeacherRecording(content: recorderBytes, placement: .sidecar)
///     try notebook.save(to: "sentiment.fsnb")      // also writes sentiment.fsnb.teacher
///
///     // before a replay: hand it back
///     let bytes = try Notebook.load(from: "sentiment.fsnb").teacherRecording?.content
public struct TeacherRecording: Hashable, Sendable {
    /// Where a recording is kept.
    public enum Placement: String, Hashable, Sendable {
        /// Inside the notebook, in a final `=== teacher-recording` block: one file to share,
        /// saved atomically with the cells.
        case embedded
        /// In `NAME.fsnb.teacher` next to the notebook: the notebook's diffs stay small.
        /// Crash-safe across the two files when new recordings only append to old ones
        /// (docs/fsnb.md, "The teacher recording").
        case sidecar
    }

    /// The recording's serialized form, opaque to the notebook (any bytes).
    public var content: [UInt8]
    /// Where `save` puts it.
    public var placement: Placement

    /// A recording of `content`, kept where `placement` says.
    public init(content: [UInt8], placement: Placement = .embedded) {
        self.content = content
        self.placement = placement
    }

    /// The sidecar path for the notebook at `notebookPath`: the same path plus `.teacher`.
    ///
    ///     TeacherRecording.sidecarPath(forNotebookAt: "nb/sentiment.fsnb")  // "nb/sentiment.fsnb.teacher"
    public static func sidecarPath(forNotebookAt notebookPath: String) -> String {
        notebookPath + ".teacher"
    }

    /// The 64-bit FNV-1a hash the notebook header records for a sidecar, to notice a sidecar
    /// that does not belong to the notebook (a check against mix-ups, not against tampering).
    static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            hash ^= UInt64(b)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
