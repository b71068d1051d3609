"""The fewshot kernel under Jupyter's own conformance suite (jupyter_kernel_test) and the
behaviour the suite does not cover: interrupt (message and signal), a message with a bad
signature, the heartbeat, shutdown while a cell runs.

Run by scripts/jupyter-conformance, with the kernelspec installed in the venv's prefix.
"""
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

import jupyter_kernel_test
import zmq
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

# A cell that runs until it is stopped.
FOREVER = "var n = 0\nwhile true { n += 1 }"


class FewshotKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "fewshot"
    language_name = "fewshot"
    file_extension = ".shot"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'warn("careful")'
    completion_samples = [
        {"text": "pri", "matches": {"print"}},
        {"text": "let zebra_count = 1\nzebra_c", "matches": set()},  # not defined: the cell did not run
        {"text": "spli", "matches": {"split"}},
    ]
    complete_code_samples = ["1 + 1", 'print("done")', "let xs = [1, 2, 3]", "fn add(a, b) { a + b }"]
    incomplete_code_samples = ["print(1,", "let xs = [1, 2", 'let s = "open', "fn f(x) {"]
    invalid_code_samples = ["let = 1", "1 +* 2", ")", "let x = 1 2"]
    code_page_something = ":help print"
    code_generate_error = 'error("boom")'
    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": '"few" + "shot"', "result": '"fewshot"'},
        {"code": "[1, 2, 3]", "result": "[1, 2, 3]"},
        {"code": 'dataset([{text: "a", label: "x"}])', "mime": "text/html"},
    ]
    code_display_data = [
        {"code": 'plot(x: [1, 2, 3], y: [1, 4, 9], title: "squares")', "mime": "image/svg+xml"},
    ]
    code_history_pattern = "1 + 2*"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "print"
    code_clear_output = 'print("old")\nclear_output()\nprint("new")'


class KernelBehaviourTests(unittest.TestCase):
    """What the suite leaves out."""

    def setUp(self):
        self.km, self.kc = start_new_kernel(kernel_name="fewshot")

    def tearDown(self):
        self.kc.stop_channels()
        if self.km.is_alive():
            self.km.shutdown_kernel(now=True)

    def reply_to(self, msg_id, timeout=10):
        """The shell reply to `msg_id`, passing over others (a late kernel_info_reply)."""
        while True:
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def run_cell(self, code, timeout=20):
        return self.reply_to(self.kc.execute(code), timeout)["content"]

    def replies_to(self, msg_id, seconds):
        """The shell replies to `msg_id` within `seconds` (others, such as a late
        kernel_info_reply from start-up, are passed over)."""
        found = []
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                msg = self.kc.get_shell_msg(timeout=max(0.05, deadline - time.time()))
            except Exception:
                break
            if msg["parent_header"].get("msg_id") == msg_id:
                found.append(msg)
        return found

    def start_forever(self):
        """Starts the endless cell and waits until it is running."""
        self.forever = self.kc.execute("var kept = 41\n" + FOREVER)
        deadline = time.time() + 10
        while time.time() < deadline:
            msg = self.kc.get_iopub_msg(timeout=10)
            if msg["msg_type"] == "execute_input":
                # Interrupt at once: a stop that lands while the cell compiles must hold too.
                return
        self.fail("the cell never started")

    def assert_interrupted_and_session_kept(self):
        reply = self.reply_to(self.forever)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("interrupted", reply["content"]["evalue"])
        self.assertEqual(self.run_cell("print(kept + 1)")["status"], "ok")

    def test_interrupt_message_stops_the_cell_and_keeps_the_names(self):
        self.start_forever()
        self.km.interrupt_kernel()  # interrupt_mode "message": an interrupt_request on control
        self.assert_interrupted_and_session_kept()

    def test_interrupt_signal_stops_the_cell_too(self):
        self.start_forever()
        self.km.signal_kernel(signal.SIGINT)
        self.assert_interrupted_and_session_kept()

    def test_interrupting_run_all_aborts_the_queued_cells(self):
        self.start_forever()
        queued = [self.kc.execute('print("never")'), self.kc.execute('print("never either")')]
        time.sleep(0.3)
        self.km.interrupt_kernel()
        self.assertIn("interrupted", self.reply_to(self.forever)["content"]["evalue"])
        for msg_id in queued:
            self.assertEqual(self.reply_to(msg_id)["content"]["status"], "aborted")
        # A cell sent afterwards runs, with the names kept.
        self.assertEqual(self.run_cell("print(kept + 1)")["status"], "ok")

    def test_a_message_with_a_bad_signature_is_dropped(self):
        forger = Session(key=b"not-the-key", username="mallory")
        socket = self.kc.shell_channel.socket
        forged = forger.send(socket, "execute_request", {"code": 'print("forged")', "silent": False})
        self.assertEqual(self.replies_to(forged["header"]["msg_id"], 1.5), [])  # no reply ever comes
        # The kernel goes on: a signed request is answered.
        self.assertEqual(self.run_cell("1 + 1")["status"], "ok")
        history = self.kc.history(hist_access_type="tail", n=10, reply=True)["content"]["history"]
        self.assertNotIn('print("forged")', [entry[2] for entry in history])

    def test_a_message_that_is_no_request_gets_no_reply(self):
        # A widget's comm_open: the kernel has no comms, and answers nothing.
        sent = self.kc.session.send(
            self.kc.shell_channel.socket, "comm_open", {"comm_id": "c1", "target_name": "w", "data": {}})
        self.assertEqual(self.replies_to(sent["header"]["msg_id"], 1), [])
        self.assertEqual(self.run_cell("1 + 1")["status"], "ok")

    def test_the_heartbeat_echoes(self):
        context = zmq.Context.instance()
        ping = context.socket(zmq.REQ)
        ping.linger = 0
        info = self.km.get_connection_info()
        ping.connect(f"tcp://{info['ip']}:{info['hb_port']}")
        for payload in [b"ping", b"\x00\x01binary", b"x" * 4096]:
            ping.send(payload)
            self.assertTrue(ping.poll(5000), "no heartbeat echo")
            self.assertEqual(ping.recv(), payload)
        ping.close()

    def test_shutdown_while_a_cell_runs_ends_the_kernel(self):
        self.start_forever()
        self.kc.shutdown()
        reply = self.kc.get_control_msg(timeout=5)
        self.assertEqual(reply["msg_type"], "shutdown_reply")
        deadline = time.time() + 5
        while self.km.is_alive() and time.time() < deadline:
            time.sleep(0.05)
        self.assertFalse(self.km.is_alive(), "the kernel did not exit after shutdown_request")

    def test_restart_starts_a_fresh_session(self):
        self.assertEqual(self.run_cell("let before_restart = 1")["status"], "ok")
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=20)
        reply = self.run_cell("before_restart")
        self.assertEqual(reply["status"], "error")
        self.assertIn("unknown name 'before_restart'", reply["evalue"])
        self.assertEqual(reply["execution_count"], 1)

    def test_progress_bars_update_one_display(self):
        # A replayed teacher call shows a bar: here a finetune, whose bar the kernel draws as
        # one display updated in place.
        code = (
            'let d = dataset([{text: "good", label: "pos"}, {text: "bad", label: "neg"}])\n'
            'let m = finetune(d, model: "classifier", epochs: 30, context: 8, val: 0)'
        )
        msg_id = self.kc.execute(code)
        reply = self.reply_to(msg_id, 60)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        kinds = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=5)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
            kinds.append(msg["msg_type"])
            if msg["msg_type"] in ("display_data", "update_display_data") and msg["content"]["metadata"].get("fewshot", {}).get("output") == "progress":
                self.assertIn("display_id", msg["content"]["transient"])
        self.assertNotIn("\r", "".join(str(k) for k in kinds))
        self.assertIn("update_display_data", kinds)


class RecordingTests(unittest.TestCase):
    """Teacher answers are recorded beside the notebook Jupyter names, and replay offline."""

    SENTINEL = "sk-jupyter-sentinel-key-0000000000"

    def start_server(self):
        server = subprocess.Popen(
            [os.environ["FEWSHOT_FIXTURE_SERVER"], "--exit-with-parent"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        line = server.stdout.readline().decode()
        self.assertTrue(line.startswith("PORT "), line)
        return server, f"http://127.0.0.1:{int(line[5:])}/v1"

    def run_cells(self, folder, base_url, cells):
        env = dict(os.environ, JPY_SESSION_NAME=os.path.join(folder, "nb.ipynb"), OPENAI_BASE_URL=base_url)
        env["OPENAI_API_KEY"] = self.SENTINEL
        km, kc = start_new_kernel(kernel_name="fewshot", cwd=folder, env=env)
        try:
            texts = []
            for code in cells:
                msg_id = kc.execute(code)
                reply = kc.get_shell_msg(timeout=30)
                while reply["parent_header"].get("msg_id") != msg_id:  # a late kernel_info_reply
                    reply = kc.get_shell_msg(timeout=30)
                self.assertEqual(reply["content"]["status"], "ok", reply["content"])
                text = ""
                while True:
                    msg = kc.get_iopub_msg(timeout=10)
                    if msg["parent_header"].get("msg_id") != msg_id:
                        continue
                    if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                        break
                    if msg["msg_type"] == "stream":
                        text += msg["content"]["text"]
                    if msg["msg_type"] == "execute_result":
                        text += msg["content"]["data"]["text/plain"]
                texts.append(text)
            return texts
        finally:
            kc.stop_channels()
            km.shutdown_kernel()

    def test_answers_are_recorded_beside_the_notebook_and_replay_offline(self):
        server, url = self.start_server()
        cells = [
            f'let t = teacher("fixture-model", base_url: "{url}")',
            'let p = prompt("Write a review of \\{item}.", output: "text")',
            'generate(p, label: dataset([{item: "a phone"}, {item: "a film"}]), teacher: t, temperature: 0).rows',
        ]
        with tempfile.TemporaryDirectory() as folder:
            try:
                live = self.run_cells(folder, url, cells)
            finally:
                server.kill()
                server.wait()
            self.assertIn("echo: Write a review of a phone.", live[2])
            recording = os.path.join(folder, "nb.ipynb.teacher")
            with open(recording, encoding="utf-8") as f:
                text = f.read()
            self.assertEqual(json.loads(text.splitlines()[0]), {"fewshot-recordings": 1})
            self.assertNotIn(self.SENTINEL, text)
            # The server is gone: a new kernel answers from the recording alone.
            # (The progress line differs: a replayed answer costs no tokens and comes at once.)
            replayed = self.run_cells(folder, url, cells)
            self.assertEqual(replayed[2].splitlines()[-1], live[2].splitlines()[-1])
            self.assertIn("tokens 0 in", replayed[2])


if __name__ == "__main__":
    unittest.main()
