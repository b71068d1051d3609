import Chat
import Testing

@testable import Learn

@Suite struct ChatTemplateTests {
    static let smolLM2 = """
        {% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system
        You are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>
        ' }}{% endif %}{{'<|im_start|>' + message['role'] + '
        ' + message['content'] + '<|im_end|>' + '
        '}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant
        ' }}{% endif %}
        """

    @Test func smolLM2TemplateIsChatMLWithItsDefaultSystemPrompt() throws {
        let template = try ChatTemplate(jinja: Self.smolLM2)
        let system = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
        #expect(template == .chatML(defaultSystem: system))
        #expect(
            template.render([ChatMessage(role: "user", content: "Hi")])
                == "<|im_start|>system\n\(system)<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        #expect(
            template.render(
                [ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "Hi")],
                addGenerationPrompt: false)
                == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n")
        #expect(template.endOfTurn == ["<|im_end|>"])
    }

    @Test func recognisesTheCommonFormats() throws {
        let turns = [
            ChatMessage(role: "system", content: "S"), ChatMessage(role: "user", content: "U"),
            ChatMessage(role: "assistant", content: "A"), ChatMessage(role: "user", content: "V"),
        ]
        let llama3 = try ChatTemplate(jinja: "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>' }}")
        #expect(llama3 == .llama3)
        #expect(
            llama3.render([turns[1]])
                == "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nU<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
        )
        let llama2 = try ChatTemplate(jinja: "{{ '[INST] ' + '<<SYS>>\\n' }}")
        #expect(llama2.render(turns) == "<s>[INST] <<SYS>>\nS\n<</SYS>>\n\nU [/INST] A </s><s>[INST] V [/INST]")
        let mistral = try ChatTemplate(jinja: "{{ '[INST] ' + message['content'] + ' [/INST]' }}")
        #expect(mistral.render(turns) == "<s>[INST] S\n\nU [/INST]A</s><s>[INST] V [/INST]")
        let gemma = try ChatTemplate(jinja: "{{ '<start_of_turn>' + role + '\\n' }}")
        #expect(
            gemma.render(Array(turns[0...2]))
                == "<bos><start_of_turn>user\nS\n\nU<end_of_turn>\n<start_of_turn>model\nA<end_of_turn>\n<start_of_turn>model\n")
        let phi3 = try ChatTemplate(
            jinja: "{{'<|' + message['role'] + '|>' + '\\n' + message['content'] + '<|end|>'}}{{ '<|assistant|>' }}")
        #expect(phi3.render([turns[1]]) == "<|user|>\nU<|end|>\n<|assistant|>\n")
        let zephyr = try ChatTemplate(jinja: "{{ '<|user|>\\n' + message['content'] + eos_token }}{{ '<|assistant|>' }}")
        #expect(zephyr.render([turns[1]]) == "<|user|>\nU</s>\n<|assistant|>\n")
    }

    @Test func unknownTemplatesFailClearly() {
        #expect(throws: ChatTemplateError.self) { try ChatTemplate(jinja: "{{ messages | tojson }}") }
        do {
            _ = try ChatTemplate(jinja: "{{ weird }}")
        } catch {
            #expect("\(error)".contains("unrecognised chat template"))
        }
    }
}
