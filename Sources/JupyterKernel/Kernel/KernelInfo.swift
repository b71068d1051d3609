import Workbench

/// What `kernel_info_request` answers: the protocol version, fewshot's version and how front
/// ends should treat the language (file extension, a highlighting mode close enough).
enum KernelInfo {
    static var content: [String: Any] {
        [
            "status": "ok",
            "protocol_version": WireMessage.protocolVersion,
            "implementation": "fewshot",
            "implementation_version": Workbench.version,
            "language_info": [
                "name": "fewshot",
                "version": Workbench.version,
                "mimetype": "text/x-fewshot",
                "file_extension": ".shot",
                // `#` comments, quoted strings, calls with named arguments: Python's modes
                // colour fewshot well enough.
                "pygments_lexer": "python3",
                "codemirror_mode": "python",
            ] as [String: Any],
            "banner": "fewshot \(Workbench.version): type help() for built-ins, :help NAME for one",
            "help_links": [] as [Any],
            "debugger": false,
        ]
    }
}
