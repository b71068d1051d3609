import Chat

/// Why a chat template cannot be used.
public enum ChatTemplateError: Error, CustomStringConvertible, Equatable {
    /// The model carries no `tokenizer.chat_template`.
    case missing
    /// The template is not one of the known formats.
    case unknown(excerpt: String)

    public var description: String {
        switch self {
        case .missing: "the model has no chat template (tokenizer.chat_template); use a plain prompt"
        case .unknown(let excerpt):
            "unrecognised chat template (known: chatml, llama3, llama2, mistral, gemma, phi3, zephyr): \(excerpt)"
        }
    }
}

/// The chat formats small instruct models use, recognised from the Jinja source in a GGUF's
/// `tokenizer.chat_template` and rendered natively (no Jinja interpreter).
///
/// ```swift
/// let template = try ChatTemplate(jinja: file.string("tokenizer.chat_template"))
/// template.render([ChatMessage(role: "user", content: "Hi")])
/// // "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, ...<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
/// ```
public enum ChatTemplate: Equatable, Sendable {
    /// `<|im_start|>role\ncontent<|im_end|>\n` (SmolLM2, Qwen2). `defaultSystem` is inserted when
    /// the conversation does not open with a system turn, as the template itself does.
    case chatML(defaultSystem: String?)
    /// Llama 3: `<|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>`.
    case llama3
    /// Llama 2: `[INST] <<SYS>>\nsystem\n<</SYS>>\n\nuser [/INST] answer </s>`.
    case llama2
    /// Mistral: `[INST] user [/INST]answer</s>`; a system turn is prepended to the first user turn.
    case mistral
    /// Gemma: `<start_of_turn>user\n...<end_of_turn>\n<start_of_turn>model\n`.
    case gemma
    /// Phi-3: `<|user|>\ncontent<|end|>\n<|assistant|>\n`.
    case phi3
    /// Zephyr: `<|user|>\ncontent</s>\n<|assistant|>\n`.
    case zephyr

    /// Recognises the template from its Jinja source.
    public init(jinja source: String) throws {
        if source.contains("<|im_start|>") {
            self = .chatML(defaultSystem: Self.defaultSystem(in: source))
        } else if source.contains("<|start_header_id|>") {
            self = .llama3
        } else if source.contains("<<SYS>>") {
            self = .llama2
        } else if source.contains("[INST]") {
            self = .mistral
        } else if source.contains("<start_of_turn>") {
            self = .gemma
        } else if source.contains("<|assistant|>") && source.contains("<|end|>") {
            self = .phi3
        } else if source.contains("<|assistant|>") && source.contains("eos_token") {
            self = .zephyr
        } else {
            throw ChatTemplateError.unknown(excerpt: String(source.prefix(80)))
        }
    }

    /// The name of the format.
    public var name: String {
        switch self {
        case .chatML: "chatml"
        case .llama3: "llama3"
        case .llama2: "llama2"
        case .mistral: "mistral"
        case .gemma: "gemma"
        case .phi3: "phi3"
        case .zephyr: "zephyr"
        }
    }

    /// Texts that end an assistant turn: generation stops at them.
    public var endOfTurn: [String] {
        switch self {
        case .chatML: ["<|im_end|>"]
        case .llama3: ["<|eot_id|>"]
        case .llama2, .mistral, .zephyr: ["</s>"]
        case .gemma: ["<end_of_turn>"]
        case .phi3: ["<|end|>"]
        }
    }

    /// The default system prompt of a ChatML template: the literal between `<|im_start|>system\n`
    /// and `<|im_end|>` inside the template (SmolLM2 and Qwen2 insert one).
    static func defaultSystem(in source: String) -> String? {
        guard let open = source.range(of: "<|im_start|>system\\n") ?? source.range(of: "<|im_start|>system\n"),
            let close = source.range(of: "<|im_end|>", range: open.upperBound..<source.endIndex)
        else { return nil }
        let text = source[open.upperBound..<close.lowerBound]
        // A template that writes the system message from a variable has no literal default.
        if text.contains("{{") || text.contains("'") || text.contains("+") { return nil }
        return String(text)
    }

    /// Renders the conversation; with `addGenerationPrompt` it ends by opening an assistant turn.
    public func render(_ turns: [ChatMessage], addGenerationPrompt: Bool = true) -> String {
        var out = ""
        switch self {
        case .chatML(let defaultSystem):
            if let defaultSystem, turns.first?.role != "system" {
                out += "<|im_start|>system\n\(defaultSystem)<|im_end|>\n"
            }
            for t in turns { out += "<|im_start|>\(t.role)\n\(t.content)<|im_end|>\n" }
            if addGenerationPrompt { out += "<|im_start|>assistant\n" }
        case .llama3:
            out = "<|begin_of_text|>"
            for t in turns { out += "<|start_header_id|>\(t.role)<|end_header_id|>\n\n\(t.content)<|eot_id|>" }
            if addGenerationPrompt { out += "<|start_header_id|>assistant<|end_header_id|>\n\n" }
        case .llama2, .mistral:
            var system: String?
            var first = true
            for t in turns {
                switch t.role {
                case "system": system = t.content
                case "user":
                    var content = t.content
                    if first, let s = system {
                        content = self == .llama2 ? "<<SYS>>\n\(s)\n<</SYS>>\n\n\(content)" : "\(s)\n\n\(content)"
                    }
                    out += "<s>[INST] \(content) [/INST]"
                    first = false
                default:
                    out += self == .llama2 ? " \(t.content) </s>" : "\(t.content)</s>"
                }
            }
        case .gemma:
            out = "<bos>"
            var system: String?
            for t in turns {
                if t.role == "system" { system = t.content; continue }
                let role = t.role == "assistant" ? "model" : t.role
                var content = t.content
                if let s = system, t.role == "user" {
                    content = s + "\n\n" + content
                    system = nil
                }
                out += "<start_of_turn>\(role)\n\(content)<end_of_turn>\n"
            }
            if addGenerationPrompt { out += "<start_of_turn>model\n" }
        case .phi3:
            for t in turns { out += "<|\(t.role)|>\n\(t.content)<|end|>\n" }
            if addGenerationPrompt { out += "<|assistant|>\n" }
        case .zephyr:
            for t in turns { out += "<|\(t.role)|>\n\(t.content)</s>\n" }
            if addGenerationPrompt { out += "<|assistant|>\n" }
        }
        return out
    }
}
