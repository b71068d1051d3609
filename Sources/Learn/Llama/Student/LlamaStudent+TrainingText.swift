import Chat
import Foundation

extension LlamaStudent {
    /// The training tokens of a conversation written with the base model's chat template, as the
    /// model sees it when chatting. Only the assistant turns carry loss (their words and the
    /// end-of-turn marker that teaches the model to stop), as OpenAI's fine-tuning does, and
    /// not those marked untrained (`"weight": 0`).
    public func sequence(conversation turns: [ChatMessage]) throws -> TokenSequence {
        let template: ChatTemplate
        do { template = try base.chatTemplate.get() } catch {
            throw LearnError.invalidInput("\(baseName) cannot learn conversations: \(error)")
        }
        var segments: [(text: String, trained: Bool)] = []
        var rendered = ""  // the conversation's text covered by `segments`
        for i in turns.indices where turns[i].role == "assistant" {
            let prompt = template.render(Array(turns[..<i]), addGenerationPrompt: true)
            let full = template.render(Array(turns[...i]), addGenerationPrompt: false)
            guard prompt.hasPrefix(rendered), full.hasPrefix(prompt) else {
                throw LearnError.invalidInput("the \(template.name) chat template cannot mark turn \(i + 1) of the conversation")
            }
            segments.append((String(prompt.dropFirst(rendered.count)), false))
            var reply = String(full.dropFirst(prompt.count))
            // Whatever follows the end-of-turn marker (a newline) is the next turn's opening.
            let trained = turns[i].trained
            if let marker = template.endOfTurn.first, let end = reply.range(of: marker, options: .backwards) {
                segments.append((String(reply[..<end.upperBound]), trained))
                reply = String(reply[end.upperBound...])
                if !reply.isEmpty { segments.append((reply, false)) }
            } else {
                segments.append((reply, trained))
            }
            rendered = full
        }
        let whole = template.render(turns, addGenerationPrompt: false)
        if whole.hasPrefix(rendered), whole.count > rendered.count {
            segments.append((String(whole.dropFirst(rendered.count)), false))
        }
        return sequence(segments, endOfText: false)
    }

    /// The training tokens of a plain text, every token trained, closed by the end-of-sequence token.
    public func sequence(text: String) -> TokenSequence {
        sequence([(text, true)], endOfText: true)
    }

    /// Tokenises segments (special-token texts parsed, as in prompts), with BOS when the model wants it.
    private func sequence(_ segments: [(text: String, trained: Bool)], endOfText: Bool) -> TokenSequence {
        let tokenizer = base.tokenizer
        var tokens: [Int] = [], mask: [Bool] = []
        for (text, trained) in segments where !text.isEmpty {
            let ids = tokenizer.encode(text, parseSpecial: true)
            tokens += ids
            mask += Array(repeating: trained, count: ids.count)
        }
        if endOfText, let eos = tokenizer.eosToken {
            tokens.append(eos)
            mask.append(true)
        }
        if tokenizer.addsBOS, let bos = tokenizer.bosToken, tokens.first != bos {
            tokens.insert(bos, at: 0)
            mask.insert(false, at: 0)
        }
        return try! TokenSequence(tokens: tokens, lossMask: mask)
    }
}
