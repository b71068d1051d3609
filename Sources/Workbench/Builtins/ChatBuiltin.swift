import Chat
import Foundation
import Language
import Learn
import PortableMath
import Teacher

/// `chat`: talk to a student or a teacher, its words streamed as they are generated.
enum ChatBuiltin {
    typealias P = BuiltinParameter

    static func builtin(_ state: WorkbenchState) -> Builtin {
        Builtin(
            "chat",
            [
                P("subject"), P("turns", .optional(.list), default: .nil), P("system", .optional(.string), default: .nil),
                P("max_tokens", .int, default: 64, bounds: Limits.maxTokens),
                P("temperature", .number, default: 0.7, bounds: Limits.temperature), P("seed", .int, default: 0),
            ], category: "loop",
            doc: """
                Talks to a student model or a teacher. With `turns`, plays those user lines in order
                and records the conversation (this is how a notebook keeps a chat). Without them, at
                the REPL, opens an interactive chat: type a line, /reset to forget the conversation,
                /system TEXT to set the teacher's system message, /exit to return. The REPL saves an
                interactive chat's cell with the lines typed as its turns:, so the notebook replays
                the whole conversation (turns: takes /reset and /system lines too).
                Example: chat(student, ["hello!", "what do you do for fun?"])
                """
        ) { args, ctx in
            let partner = try ChatPartner(
                args["subject"],
                system: args.optional("system").flatMap { if case .string(let s) = $0 { return s } else { return nil } },
                args: args)
            let settings = ChatSettings(
                maxTokens: try args.int("max_tokens"), temperature: try args.double("temperature"), seed: try args.int("seed"))
            if args.optional("turns") != nil {
                for turn in try args.list("turns") {
                    guard case .string(let line) = turn else {
                        throw args.error("turns", "turns must be strings, one per user line")
                    }
                    try ctx.checkCancellation()
                    try play(line, partner, settings, ctx, typed: false)
                }
                return .nil
            }
            guard isatty(0) == 1 else {
                throw RuntimeError(
                    "an interactive chat needs a terminal; in a notebook or script give the turns: chat(model, [\"hello!\"])",
                    at: ctx.callRange)
            }
            ctx.emit(.note("chatting with \(partner.name): /exit to return, /reset to start over\n"))
            var typed: [String] = []
            defer { state.interactiveChats.append(InteractiveChat(call: ctx.callRange, turns: typed)) }
            while true {
                FileHandle.standardOutput.write(Data("you> ".utf8))
                guard let line = readLine(), line.trimmingCharacters(in: .whitespaces) != "/exit" else { break }
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                typed.append(line)
                do { try play(line, partner, settings, ctx, typed: true) } catch { ctx.write("\n(\(error))\n") }
            }
            return .nil
        }
    }

    /// Plays one user line, typed or from `turns:`, so both show the same conversation: a
    /// `/reset` or `/system TEXT` command, or `User: line` and the reply streamed after
    /// `Bot: `. A typed line is already on the terminal, so it goes only into the cell's output.
    private static func play(_ line: String, _ partner: ChatPartner, _ settings: ChatSettings, _ ctx: CallContext, typed: Bool)
        throws
    {
        if line == "/reset" {
            partner.reset()
            ctx.write("(conversation forgotten)\n")
            return
        }
        if line.hasPrefix("/system ") {
            partner.system = String(line.dropFirst(8))
            ctx.write("(system message set)\n")
            return
        }
        let shown = "\(partner.userName): \(line)\n"
        ctx.emit(typed ? .typed(shown) : .text(shown))
        ctx.write("\(partner.botName): ")
        _ = try partner.reply(to: line, settings, ctx)
        ctx.write("\n")
    }
}

/// The lines typed in one interactive chat, and the call that opened it: what the REPL needs
/// to save the cell as the scripted chat that replays it (`Workspace.replayableSource`).
struct InteractiveChat {
    var call: SourceRange
    var turns: [String]
}

/// Sampling settings of one chat.
struct ChatSettings {
    var maxTokens: Int
    var temperature: Double
    var seed: Int

    /// The sampler seed of reply number `turn`: its own stream of `seed` (`StreamSeed`).
    func turnSeed(_ turn: Int) -> UInt64 { StreamSeed.derive(UInt64(bitPattern: Int64(seed)), UInt64(turn)) }
}

/// One side of a conversation, student or teacher, with the history so far.
final class ChatPartner {
    private enum Kind {
        case student(GPT, StudentText)
        /// A pretrained student: its generation model, prompted with its chat template.
        case llama(LlamaModel)
        case teacher(TeacherObject)
    }

    private let kind: Kind
    let name: String
    var system: String?
    private var history: [(user: String, bot: String)] = []

    init(_ subject: Value, system: String?, args: Arguments) throws {
        self.system = system
        switch subject {
        case .host(let model as ModelObject):
            switch model.kind {
            case .languageModel(let gpt): kind = .student(gpt, model.text)
            case .llama:
                do {
                    kind = .llama(try model.inferenceModel()!)
                } catch {
                    throw args.error("subject", "cannot prepare \(model.name) for generation: \(error)")
                }
            case .classifier, .sentenceClassifier:
                throw args.error("subject", "a classifier labels text and cannot chat; chat with a GPT student or a teacher")
            }
            name = model.name
        case .host(let teacher as TeacherObject):
            kind = .teacher(teacher)
            name = teacher.summary
        default:
            throw args.error("subject", "chat needs a model or a teacher, got \(subject.typeName)")
        }
    }

    var userName: String { if case .student(_, let text) = kind { return text.user }; return "User" }
    var botName: String { if case .student(_, let text) = kind { return text.bot }; return "Assistant" }

    func reset() { history.removeAll() }

    /// Generates the next reply, writing each piece to the output as it arrives.
    /// The conversation so far and the next line, as a model or a teacher is asked it.
    private func messages(next line: String) -> [ChatMessage] {
        var messages = system.map { [ChatMessage(role: .system, content: $0)] } ?? []
        for exchange in history {
            messages.append(ChatMessage(role: .user, content: exchange.user))
            messages.append(ChatMessage(role: .assistant, content: exchange.bot))
        }
        messages.append(ChatMessage(role: .user, content: line))
        return messages
    }

    func reply(to line: String, _ settings: ChatSettings, _ ctx: CallContext) throws -> String {
        let turn = history.count
        let reply: String
        switch kind {
        case .student(let gpt, let text):
            let options = GenerationOptions(
                maxTokens: settings.maxTokens, temperature: Float(settings.temperature),
                seed: settings.turnSeed(turn), stop: ["\n"])
            reply = try gpt.generate(text: text.chatPrompt(history: history, next: line), options: options) {
                piece in
                ctx.write(piece)
                return !ctx.isCancellationRequested
            }
        case .llama(let llama):
            var options = GenerationOptions.llamaCppDefaults
            options.maxTokens = settings.maxTokens
            options.temperature = Float(settings.temperature)
            options.seed = settings.turnSeed(turn)
            do {
                reply = try llama.generate(
                    messages: messages(next: line), options: options, isCancelled: { ctx.isCancellationRequested },
                    onToken: { ctx.write($0) }
                ).text
            } catch {
                throw RuntimeError("\(name) failed to reply: \(error)", at: ctx.callRange)
            }
        case .teacher(let teacher):
            let request = ChatRequest(
                model: teacher.model, messages: messages(next: line), temperature: settings.temperature,
                maxTokens: settings.maxTokens,
                seed: StreamSeed.requestSeed(settings.seed, turn))
            do {
                reply = try teacher.teacher.stream(
                    request, onToken: { ctx.write($0) }, isCancelled: { ctx.isCancellationRequested }
                ).text
            } catch {
                throw RuntimeError("the teacher failed: \(error)", at: ctx.callRange)
            }
        }
        history.append((line, reply))
        return reply
    }
}
