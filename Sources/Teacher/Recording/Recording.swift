/// One recorded exchange: a request, which sample of it this was, and the teacher's answer.
public struct Recording: Codable, Hashable, Sendable {
    /// `request.recordingKey`, stored so a reader need not re-hash.
    public var key: String
    /// Which sample of this request it is: the k-th identical request in a call gets sample k.
    public var sample: Int
    /// The request as asked.
    public var request: ChatRequest
    /// The answer.
    public var response: ChatResponse
    /// The pieces a streamed answer arrived in, so replay can stream them again; nil otherwise.
    public var chunks: [String]?
    /// The `summary` of the teacher that answered.
    public var teacher: String?

    /// Creates a recording, computing its key from `request`.
    public init(
        request: ChatRequest, sample: Int, response: ChatResponse, chunks: [String]? = nil, teacher: String? = nil
    ) {
        self.key = request.recordingKey
        self.sample = sample
        self.request = request
        self.response = response
        self.chunks = chunks
        self.teacher = teacher
    }
}
