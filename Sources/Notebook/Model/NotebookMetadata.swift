/// What a notebook says about itself: the fewshot that wrote it, the teacher it talked to
/// (never a secret), and any other header entries.
///
///     var metadata = NotebookMetadata(fewshotVersion: "0.1.0")
///     metadata.teacher = TeacherConfiguration(model: "qwen2.5-7b-instruct",
///                                             baseURL: "http://localhost:8080/v1")
///     metadata.extra.append(MetadataEntry(key: "seed", value: "42"))
public struct NotebookMetadata: Hashable, Sendable {
    /// The version of fewshot that last saved the notebook (header `fewshot-version`).
    public var fewshotVersion: String?
    /// The teacher model the notebook's cells talked to (headers `teacher-model`, `teacher-base-url`).
    public var teacher: TeacherConfiguration?
    /// Other header entries, in file order: ones the lead layers add, and ones written by a
    /// newer fewshot, which are kept and written back.
    public var extra: [MetadataEntry]

    /// Metadata; all fields optional.
    public init(fewshotVersion: String? = nil, teacher: TeacherConfiguration? = nil, extra: [MetadataEntry] = []) {
        self.fewshotVersion = fewshotVersion
        self.teacher = teacher
        self.extra = extra
    }

    /// The value of the first extra entry named `key`.
    ///
    ///     metadata["seed"]   // "42"
    public subscript(key: String) -> String? {
        extra.first { $0.key == key }?.value
    }
}

/// Where the teacher lives and which model it is. Holds no key or token: those come from the
/// environment at run time and are never written into a notebook.
public struct TeacherConfiguration: Hashable, Sendable {
    /// The model name sent in requests, e.g. `gpt-4o-mini`.
    public var model: String
    /// The base URL of the OpenAI-compatible API, e.g. `http://localhost:8080/v1`.
    public var baseURL: String?

    /// A teacher configuration.
    ///
    ///     TeacherConfiguration(model: "gpt-4o-mini", baseURL: "http://localhost:8080/v1")
    public init(model: String, baseURL: String? = nil) {
        self.model = model
        self.baseURL = baseURL
    }
}

/// One `key: value` header line.
public struct MetadataEntry: Hashable, Sendable {
    /// The name: `[a-z0-9-]+`, not one of the names the format reserves.
    public var key: String
    /// The value: any text.
    public var value: String

    /// A header entry.
    ///
    ///     MetadataEntry(key: "seed", value: "42")
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
