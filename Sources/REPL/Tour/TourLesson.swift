/// The guided tour's lesson, one step per entry: label movie reviews with a (recorded)
/// teacher, clean what it wrote, distil it into a small classifier, score both, then train a
/// tiny chat bot. Everything it needs is written here, so the tour runs offline in seconds.
public enum TourLesson {
    /// Hand-labelled reviews the shots are drawn from.
    static let reviewsCell = """
        let reviews = dataset([
          {text: "a warm, funny film with a great cast", label: "positive"},
          {text: "the plot was dull and the acting was flat", label: "negative"},
          {text: "I loved every minute of it", label: "positive"},
          {text: "two hours I will never get back", label: "negative"},
          {text: "beautiful music and a clever script", label: "positive"},
          {text: "boring, slow and far too long", label: "negative"},
        ])
        """

    /// Reviews nobody has labelled yet: the teacher labels them (one is a duplicate, one is a
    /// single word, so the filter step has work to do).
    static let unlabelledCell = """
        let unlabelled = dataset([
          {text: "great acting and a lovely story"}, {text: "the jokes fell flat every time"},
          {text: "a clever, moving film"}, {text: "I fell asleep halfway through"},
          {text: "the best film I have seen this year"}, {text: "awful dialogue and a silly ending"},
          {text: "great acting and a lovely story"}, {text: "meh"},
          {text: "funny, warm and full of heart"}, {text: "a mess from start to finish"},
          {text: "the cast was great but the story was slow"}, {text: "I would happily watch it again"},
          {text: "too long and too loud"}, {text: "a lovely surprise"},
          {text: "dull, dull, dull"}, {text: "the music was great"},
          {text: "not worth the ticket"}, {text: "I did not enjoy it at all"},
        ])
        """

    /// Hand-labelled reviews kept apart to score the student and the teacher.
    static let testCell = """
        let test = dataset([
          {text: "a great film with a lovely cast", label: "positive"},
          {text: "slow, dull and much too long", label: "negative"},
          {text: "funny and clever from start to finish", label: "positive"},
          {text: "the acting was flat and the jokes were awful", label: "negative"},
          {text: "I loved the music", label: "positive"},
          {text: "a boring mess", label: "negative"},
          {text: "warm, moving and beautiful", label: "positive"},
          {text: "I will never watch it again", label: "negative"},
        ])
        """

    /// Short conversations in which the bot always answers with its catchphrase.
    static let dialoguesCell = """
        var rows = []
        for i in range(4) {
          for greeting in ["hi", "hello", "hey there", "good morning", "how are you?", "what's up?"] {
            rows = rows + [{messages: [{role: "user", content: greeting}, {role: "assistant", content: "aha cheers !"}]}]
          }
        }
        let dialogues = dataset(rows)
        """

    /// The prompt and shots every recorded teacher answer was asked with.
    static let promptCell = #"let p = prompt('Review: {text}\nSentiment:', output: ["positive", "negative"])"#
    static let shotsCell = #"let s = shots(reviews, k: 2, select: "balanced", seed: 1)"#

    /// The steps, in order.
    public static let steps: [TourStep] = [
        TourStep(
            title: "Look at the data",
            setup: [reviewsCell, unlabelledCell, testCell],
            lesson: """
                fewshot works in cells: you type a line of code, it runs, and its output appears
                below it, as in a notebook. The tour has just run three cells for you: `reviews`
                (six movie reviews a person labelled), `unlabelled` (eighteen reviews nobody has
                labelled) and `test` (eight labelled reviews kept aside for scoring).
                Our goal: a small model of our own that tells positive reviews from negative
                ones, without labelling the eighteen by hand.
                Show the first three rows of `reviews` with head(data, n).
                """,
            expected: "head(reviews, 3)",
            hint: "head takes the dataset and how many rows to show.",
            checks: [
                .shows("a warm, funny film", message: "that did not show the first rows of `reviews`."),
                .shows("I loved every minute", message: "show three rows: the third one is missing."),
            ],
            explanation: """
                A dataset prints as a table. Each row is a record with a `text` and a `label`;
                the label column is what a classifier learns to predict.
                """),
        TourStep(
            title: "A prompt",
            lesson: """
                A teacher is a large language model. To have it label reviews we write a
                prompt: a template with a slot, `{text}`, filled from each row. `output:` lists
                the answers we accept, so a reply is read as one of those labels.
                The template is in single quotes: there `{text}` stays a slot, while in double
                quotes `{...}` runs code. Type exactly (the recorded teacher of this tour knows
                only this wording):
                  let p = prompt('Review: {text}\\nSentiment:', output: ["positive", "negative"])
                """,
            expected: promptCell,
            hint: "Start with `let p = prompt(` and copy the template, slot and labels from the line above.",
            checks: [
                .holds("p.slots == [\"text\"]", message: "the template needs exactly one slot, `{text}`, in single quotes."),
                .holds(
                    #"contains(render(p, {text: "x"}).text, "positive, negative")"#,
                    message: #"output: should be the list ["positive", "negative"]."#),
                .holds(
                    #"p.template == "Review: \{text}\nSentiment:""#,
                    message:
                        #"the template should read 'Review: {text}\nSentiment:' (the recorded teacher was asked with exactly that)."#
                ),
            ],
            explanation: """
                You made a prompt object:
                  {p}
                Its slots are {p.slots}; each reply becomes the field {p.output} of a row.
                """),
        TourStep(
            title: "Shots",
            lesson: """
                A shot is a worked example: an input with its right answer, shown to the teacher
                inside the prompt. With k shots the prompt is "k-shot"; with none, "zero-shot".
                Pick two labelled reviews, one of each label, with a fixed seed:
                  let s = shots(reviews, k: 2, select: "balanced", seed: 1)
                """,
            expected: shotsCell,
            hint: #"shots takes the pool of labelled rows, then k:, select: and seed:."#,
            checks: [
                .holds("s.k == 2", message: "ask for two shots (k: 2)."),
                .holds(
                    #"s.rows == shots(reviews, k: 2, select: "balanced", seed: 1).rows"#,
                    message: #"pick them from `reviews` with select: "balanced" and seed: 1."#),
            ],
            explanation: """
                The same seed always picks the same shots, so a run can be repeated. "balanced"
                took one row per label; "random", "diverse" and "similar" pick differently.
                """),
        TourStep(
            title: "What the teacher sees",
            lesson: """
                render shows the exact messages a prompt sends for one row. Render the prompt
                for a new review, with the shots:
                  render(p, {text: "the ending made me cry, in a good way"}, shots: s)
                """,
            expected: #"render(p, {text: "the ending made me cry, in a good way"}, shots: s)"#,
            hint: "render takes the prompt, a record with a `text` field, and shots: s.",
            checks: [
                .shows("[assistant]", message: "pass the shots too (shots: s), so they appear as worked examples."),
                .shows("Sentiment:", message: "render the prompt `p`."),
            ],
            explanation: """
                Each shot became a [user] message with its review and an [assistant] message
                with the right label; the new review comes last. That is all few-shot learning
                is: the examples travel inside every request. No weights change.
                """),
        TourStep(
            title: "Few-shot versus fine-tuning",
            lesson: """
                The shots are not free: every request carries them. Measure how many characters
                they add to one request, by rendering with and without them:
                  let cost = len(render(p, {text: "fine"}, shots: s).text) - len(render(p, {text: "fine"}).text)
                """,
            expected: #"let cost = len(render(p, {text: "fine"}, shots: s).text) - len(render(p, {text: "fine"}).text)"#,
            hint: "`.text` is a rendered prompt as one string; len counts its characters. Subtract the zero-shot length.",
            checks: [
                .holds("cost > 0", message: "`cost` should be the length with shots minus the length without them."),
                .holds(
                    #"cost == len(render(p, {text: "fine"}, shots: s).text) - len(render(p, {text: "fine"}).text)"#,
                    message: #"render the same review, {text: "fine"}, both times."#),
            ],
            explanation: """
                The two shots add {cost} characters to every single request, for as long as you
                use the teacher. Fine-tuning moves the examples into the weights instead: you
                pay once, to train, and every later query is short and needs no teacher.
                Few-shot is quick to try and needs no training; fine-tuning pays when you ask
                many times, or when a small model must run on its own. Next: let the teacher
                write training data, and fine-tune a student on it.
                """),
        TourStep(
            title: "The teacher",
            lesson: """
                teacher() is SmolLM2-135M running inside fewshot; teacher("gpt-4o-mini") would
                be a model on a server. Every answer a teacher gives is recorded with the
                notebook, so a notebook replays offline. This tour carries a small recording of
                answers written for the lesson, so nothing here loads the model. Make the teacher:
                  let t = teacher()
                """,
            expected: "let t = teacher()",
            hint: "teacher() with no arguments is the local model.",
            checks: [
                .holds(#"t.model == "smollm2-135m""#, message: "use the local teacher: teacher() with no arguments.")
            ],
            explanation: """
                You made
                  {t}
                "replay" means its answers come from the recording. At the REPL the mode is
                "record": new questions go to the model and their answers are kept.
                """),
        TourStep(
            title: "Generate: the teacher labels data",
            lesson: """
                generate asks the teacher for data, in one of two ways. Generation writes new
                examples from the shots: generate(p, s, n: 200). Annotation labels rows you
                already have: generate(p, s, label: rows). Label the unlabelled reviews, at
                temperature 0 so the teacher gives its most likely answer:
                  let labelled = generate(p, s, label: unlabelled, teacher: t, temperature: 0)
                """,
            expected: "let labelled = generate(p, s, label: unlabelled, teacher: t, temperature: 0)",
            hint: "generate takes the prompt and the shots, then label: unlabelled, teacher: t and temperature: 0.",
            checks: [
                .holds(
                    "labelled.count + rejected(labelled).count == unlabelled.count",
                    message: "label the rows of `unlabelled` (label: unlabelled)."),
                .holds(
                    "labelled.count > 0",
                    message:
                        "the recorded teacher has no answer for those requests: use p, s, teacher: t and temperature: 0 exactly."),
                .holds(
                    "labelled.count == 16",
                    message:
                        "the recorded teacher has no answer for some requests: use p, s, teacher: t and temperature: 0 exactly."),
            ],
            explanation: """
                The teacher labelled {labelled.count} reviews. {rejected(labelled).count} replies
                did not name exactly one label; they are never dropped silently.
                """),
        TourStep(
            title: "What was rejected",
            lesson: """
                Look at the replies that could not be read as a label:
                  rejected(labelled)
                """,
            expected: "rejected(labelled)",
            hint: "rejected takes the dataset generate returned.",
            checks: [
                .shows("several labels", message: "show rejected(labelled).")
            ],
            explanation: """
                Each rejected row keeps the teacher's raw reply and the reason. Teachers also
                make mistakes that parse fine (one review here was labelled wrongly); that is
                why we score the student on labels a person checked.
                """),
        TourStep(
            title: "Filter",
            lesson: """
                Teacher data needs cleaning. Keep rows of at least three words and drop exact
                duplicates:
                  let clean = filter(labelled, dedupe: true, min_words: 3)
                """,
            expected: "let clean = filter(labelled, dedupe: true, min_words: 3)",
            hint: "filter takes the dataset, then the rules as named arguments: dedupe: true, min_words: 3.",
            checks: [
                .holds("clean.count == 14", message: "use both rules, dedupe: true and min_words: 3, on `labelled`.")
            ],
            explanation: """
                {clean.count} of {labelled.count} rows are left. report(clean) prints the funnel:
                how many rows each rule dropped, with an example.
                """),
        TourStep(
            title: "Fine-tune a student",
            lesson: """
                Now distillation: a small student learns from the teacher's labels. Train a
                classifier (a tiny transformer with a label head) on the clean rows. Its
                weights change here; a shot never changes any.
                  let student = finetune(clean, model: "classifier", epochs: 6, batch: 7, context: 48, val: 0)
                """,
            expected: #"let student = finetune(clean, model: "classifier", epochs: 6, batch: 7, context: 48, val: 0)"#,
            hint:
                #"finetune takes the data, then model: "classifier" and the training settings epochs:, batch:, context:, val:."#,
            checks: [
                .holds(#"student.name == "classifier""#, message: #"train a classifier: model: "classifier"."#),
                .holds(
                    "student.context <= 64 and len(student.losses) <= 24",
                    message: "keep it small for the tour: context: 48 and epochs: 6 with batch: 7."),
            ],
            explanation: """
                The student has {student.parameters} parameters (the teacher has 135 million).
                The curve is the training loss, falling as it learns: from
                {student.losses[0]} to {student.losses[-1]}. val: holds rows out to draw a
                validation loss too; when training loss falls but validation loss rises, the
                model is overfitting: memorising its rows instead of learning the task.
                """),
        TourStep(
            title: "Evaluate the student",
            lesson: """
                Score the student on the eight reviews a person labelled, which it never saw:
                  let score = evaluate(student, test)
                """,
            expected: "let score = evaluate(student, test)",
            hint: "evaluate takes the model, then the held-out dataset.",
            checks: [
                .holds("examples(score).count == 8", message: "evaluate the student on `test`.")
            ],
            explanation: """
                Accuracy is the share of reviews it got right: {score.accuracy}. Macro-F1
                ({score.macro_f1}) averages the F1 of each label, so a model that always says
                "positive" cannot hide behind a lopsided test set. With fourteen training rows
                a byte-level student has little to go on; notebook 03 trains on thousands.
                """),
        TourStep(
            title: "Evaluate the teacher, few-shot",
            lesson: """
                Score the teacher on the same rows, with the same two shots in every prompt:
                  let teacher_score = evaluate(t, test, prompt: p, shots: s)
                """,
            expected: "let teacher_score = evaluate(t, test, prompt: p, shots: s)",
            hint: "evaluate takes the teacher, the rows, and then prompt: p and shots: s.",
            checks: [
                .holds("examples(teacher_score).count == 8", message: "evaluate the teacher `t` on `test`."),
                .holds(
                    "teacher_score.accuracy > 0.5",
                    message: "the recorded teacher has no answers for that: pass prompt: p and shots: s, nothing else."),
            ],
            explanation: """
                The teacher, 2-shot, scored {teacher_score.accuracy}. To see which rows each got
                right, type examples(teacher_score) after the tour.
                """),
        TourStep(
            title: "Compare",
            lesson: """
                Is one really better, or is it luck on eight rows? compare lines the two up and
                runs McNemar's test on the rows only one of them got right:
                  compare(score, teacher_score)
                """,
            expected: "compare(score, teacher_score)",
            hint: "compare takes two evaluations of the same rows.",
            checks: [
                .shows("McNemar", message: "compare the student's score with the teacher's: compare(score, teacher_score).")
            ],
            explanation: """
                A p-value under 0.05 would mean a real difference; on eight rows it almost
                never is. Small test sets give wide intervals: the notebooks use hundreds.
                """),
        TourStep(
            title: "Chat with a student",
            setup: [dialoguesCell],
            lesson: """
                Students can also write text. The tour made `dialogues`: 24 short chats in
                which the bot always answers "aha cheers !". Train a tiny GPT on them; only the
                bot's words carry loss (the loss mask), so it learns to answer, not to ask:
                  let bot = finetune(dialogues, model: "gpt-tiny", epochs: 2, batch: 8, context: 32, val: 0)
                """,
            expected: #"let bot = finetune(dialogues, model: "gpt-tiny", epochs: 2, batch: 8, context: 32, val: 0)"#,
            hint: #"Like the classifier, but model: "gpt-tiny" on `dialogues`, with epochs: 2, batch: 8, context: 32, val: 0."#,
            checks: [
                .holds(#"bot.name == "gpt-tiny""#, message: #"train a GPT: model: "gpt-tiny"."#),
                .holds(
                    "bot.context <= 32 and len(bot.losses) <= 12",
                    message: "keep it small for the tour: context: 32, epochs: 2, batch: 8."),
            ],
            explanation: """
                Its loss went from {bot.losses[0]} to {bot.losses[-1]}. Now talk to it.
                """),
        TourStep(
            title: "Chat",
            lesson: """
                chat plays user lines to a model and streams its replies:
                  chat(bot, ["hello!", "how are you?"], temperature: 0)
                """,
            expected: #"chat(bot, ["hello!", "how are you?"], temperature: 0)"#,
            hint: "chat takes the model and a list of lines to say to it.",
            checks: [
                .shows("Bot:", message: "chat with `bot`, giving a list of user lines.")
            ],
            explanation: """
                Probably babble, made of the letters its line uses most. The student started
                from random weights and has had {len(bot.losses)} training steps: enough to
                learn which bytes are common, far from enough to say a whole phrase. Train it
                for longer after the tour (epochs: 30, about a minute) and chat again.
                Notebook 02 measures the catchphrase rate before and after fine-tuning, with
                evaluate(bot, rows, contains: "aha cheers !").
                """),
    ]

    /// Shown when the tour starts.
    public static let welcome = """
        Welcome to the fewshot tour. In about fifteen steps you will run the whole loop:
        a teacher labels data from a few worked examples (shots), you clean it, a small
        student learns from it (fine-tuning), and you score both.
        Type each cell as asked and press Enter. The tour runs it, checks the result and
        explains it. Commands: :hint (twice shows the answer), :skip, :quit.
        """

    /// Shown after the last step.
    public static let farewell = """
        That is the loop: prompt and shots, generate, filter, fine-tune, evaluate, chat.
        Next: `fewshot` opens the REPL (help() lists every built-in), `fewshot new my.fsnb`
        starts a notebook, and the notebooks/ folder has the full experiments.
        """
}
