"""The generated scripts, run as users run them: dry run, confirmation, credentials, hostile names,
a failure midway, preflight of a rollback, a redirect that must not carry the credentials."""

from __future__ import annotations

import ast
import io
import json
import threading
import tokenize
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from flexaudit.model import snapshot

from tests.migration.conftest import (
    ACCOUNT,
    API_KEY,
    API_SECRET,
    FO_EXTERNAL,
    FO_SMS,
    FO_WHATSAPP,
    HOSTILE_NAMES,
    PN_EXTERNAL,
    PN_PAIR,
    TOKEN,
    run_cli,
    run_script,
    scan,
    script_env,
    wiring,
    writes,
)
from tests.support.sids import sid

pytestmark = pytest.mark.sends_writes

MIGRATE, ROLLBACK = f"migrate-{PN_PAIR}.py", f"rollback-{PN_PAIR}.py"


@pytest.fixture
def plan(writable, tmp_path) -> Path:
    """The pair number's scripts, planned from a scan of the writable emulator."""
    scan(writable, tmp_path / "scan")
    result = run_cli("plan", str(tmp_path / "scan"), "--address", FO_SMS, "--output-dir", str(tmp_path / "plan"))
    assert result.exit_code == 0, result.output
    return tmp_path / "plan"


def test_dry_run_sends_only_gets_and_prints_every_write(writable, plan):
    done = run_script(plan / MIGRATE, writable, "--dry-run")
    assert done.returncode == 0, done.stdout + done.stderr
    assert {r["method"] for r in writable.requests} == {"GET"}
    assert f"would send: DELETE https://flex-api.twilio.com/v1/FlexFlows/{FO_SMS}" in done.stdout
    assert f"would send: DELETE https://flex-api.twilio.com/v1/FlexFlows/{FO_WHATSAPP}" in done.stdout
    assert done.stdout.count("would send: POST https://conversations.twilio.com/v1/Configuration/Addresses") == 2
    assert "    SmsUrl=''" in done.stdout
    undo = run_script(plan / ROLLBACK, writable, "--dry-run")
    assert undo.returncode == 0 and {r["method"] for r in writable.requests} == {"GET"}


@pytest.mark.parametrize("answer", ["", "PN-wrong\n", f"{PN_PAIR[:-1]}\n", "yes\n"])
def test_without_yes_anything_but_the_numbers_sid_changes_nothing(writable, plan, answer):
    done = run_script(plan / MIGRATE, writable, stdin=answer)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "not confirmed: nothing changed" in done.stderr
    assert not writes(writable)


def test_typing_the_numbers_sid_confirms(writable, plan):
    done = run_script(plan / MIGRATE, writable, stdin=f"  {PN_PAIR}\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert writes(writable)


@pytest.mark.parametrize("credentials, message", [
    ({}, "set TWILIO_ACCOUNT_SID"),
    ({"TWILIO_ACCOUNT_SID": ACCOUNT}, "set TWILIO_AUTH_TOKEN"),
    ({"TWILIO_ACCOUNT_SID": sid("AC", 0xBAD), "TWILIO_AUTH_TOKEN": TOKEN}, "made for account"),
    ({"TWILIO_ACCOUNT_SID": "AC123", "TWILIO_AUTH_TOKEN": TOKEN}, "AC followed by 32 hex digits"),
    ({"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_API_KEY": API_KEY}, "both TWILIO_API_KEY and TWILIO_API_SECRET"),
])
def test_missing_or_wrong_credentials_are_one_line_and_exit_2_before_any_request(writable, plan, credentials, message):
    env = {k: v for k, v in script_env(writable).items() if not k.startswith("TWILIO_")}
    count = len(writable.requests)
    done = run_script(plan / MIGRATE, writable, "--yes", env={**env, **credentials})
    assert done.returncode == 2 and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert len(writable.requests) == count, "no request at all"


def test_an_api_key_works_and_no_secret_is_ever_printed(writable, plan):
    env = script_env(writable, TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_API_KEY=API_KEY, TWILIO_API_SECRET=API_SECRET)
    done = run_script(plan / MIGRATE, writable, "--yes", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert {r["username"] for r in writable.requests if r["method"] != "GET"} == {API_KEY}
    undo = run_script(plan / ROLLBACK, writable, "--yes", env=env)
    assert undo.returncode == 0, undo.stdout + undo.stderr
    for text in (done.stdout, done.stderr, undo.stdout, undo.stderr,
                 *(p.read_text(encoding="utf-8") for p in plan.iterdir())):
        assert API_SECRET not in text and TOKEN not in text


def test_a_bad_base_url_and_a_bad_option_are_usage_errors(writable, plan):
    bad = run_script(plan / MIGRATE, writable, "--yes", env={**script_env(writable), "FLEXAUDIT_API_BASE_URL": "ftp://x"})
    assert bad.returncode == 2 and "FLEXAUDIT_API_BASE_URL" in bad.stderr
    assert run_script(plan / MIGRATE, writable, "--frobnicate").returncode == 2
    assert not writes(writable)


def test_scripts_are_executable_and_carry_hostile_names_only_as_string_constants(plan):
    for script in (plan / MIGRATE, plan / ROLLBACK):
        assert script.stat().st_mode & 0o111
        source = script.read_text(encoding="utf-8")
        compile(source, script.name, "exec")
        assert source.isascii() or all(ch.isprintable() or ch in "\n" for ch in source), "no control or bidi characters"
        constants = [node.value for node in ast.walk(ast.parse(source))
                     if isinstance(node, ast.Constant) and isinstance(node.value, str)]
        pieces = [piece for name in (HOSTILE_NAMES[FO_SMS], HOSTILE_NAMES[FO_WHATSAPP])
                  for piece in ("os.system('touch PWNED')", "{{ 7*7 }}", "$(touch PWNED)", "\u202egnp.exe")
                  if piece in name]
        for piece in pieces:
            assert any(piece in c for c in constants), piece
            for token in tokenize.generate_tokens(io.StringIO(source).readline):
                if piece in token.string:
                    assert token.type == tokenize.STRING, (piece, token)
        assert HOSTILE_NAMES[FO_SMS] in constants and HOSTILE_NAMES[FO_WHATSAPP] in constants
        comments = [t.string for t in tokenize.generate_tokens(io.StringIO(source).readline)
                    if t.type == tokenize.COMMENT]
        assert comments and all(c.isascii() and "PWNED" not in c and "touch" not in c for c in comments)


def test_hostile_names_survive_the_round_trip_and_run_nothing(writable, plan, tmp_path):
    assert run_script(plan / MIGRATE, writable, "--yes").returncode == 0
    assert run_script(plan / ROLLBACK, writable, "--yes").returncode == 0
    after = scan(writable, tmp_path / "after")
    assert sorted(f.friendly_name for f in after.flex_flows if f.contact_identity.endswith("+15550130001")) == sorted(
        [HOSTILE_NAMES[FO_SMS], HOSTILE_NAMES[FO_WHATSAPP]])
    assert not list(plan.glob("PWNED")) and not Path("PWNED").exists()


# ---------------------------------------------------------------- a server in between


class _Between(BaseHTTPRequestHandler):
    """Forwards to the emulator, but answers `failing` (method, path prefix) with a Twilio error,
    and any path under /redirect with a 307 to the collector."""

    upstream = ""
    failing: tuple[str, str] | None = None
    odd: str | None = None  # a path prefix answered 200 with a JSON list
    collector = ""

    def _handle(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/redirect"):
            self.send_response(307)
            self.send_header("Location", self.collector + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.odd and self.path.startswith(self.odd):
            return self._answer(200, b"[1, 2]")
        if self.failing and self.command == self.failing[0] and self.path.startswith(self.failing[1]):
            return self._answer(400, json.dumps({"code": 21610, "message": "Injected failure\x1b[2J",
                                                 "more_info": "https://www.twilio.com/docs/errors/21610",
                                                 "status": 400}).encode())
        request = urllib.request.Request(self.upstream + self.path, data=body if body else None, method=self.command,
                                         headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                self._answer(answer.status, answer.read())
        except urllib.error.HTTPError as exc:
            self._answer(exc.code, exc.read())

    def _answer(self, status, raw):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST = do_DELETE = _handle

    def log_message(self, *args):
        pass


class _Collector(BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):
        self.seen.append(dict(self.headers))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def between(writable):
    servers = []

    def start(handler):
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.timeout = 5
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    collector = type("Collector", (_Collector,), {"seen": []})
    handler = type("Between", (_Between,), {"upstream": writable.base_url, "collector": start(collector)})
    yield handler, start(handler), collector
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_failure_midway_says_which_steps_ran_names_the_rollback_and_the_rollback_finishes(writable, plan, between,
                                                                                            tmp_path):
    handler, url, _ = between
    before = wiring(scan(writable, tmp_path / "before"))
    handler.failing = ("POST", "/conversations/v1/Configuration/Addresses")
    env = {**script_env(writable), "FLEXAUDIT_API_BASE_URL": url}
    done = run_script(plan / MIGRATE, writable, "--yes", env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "failed: Create the Conversations address" in done.stderr
    assert "HTTP 400, Twilio error 21610: Injected failure" in done.stderr
    assert "\x1b" not in done.stderr
    ran = writes(writable)  # every step before the first address: the flows deleted, the number unwired
    assert ran[:2] == [("DELETE", f"/flex-api/v1/FlexFlows/{FO_SMS}"), ("DELETE", f"/flex-api/v1/FlexFlows/{FO_WHATSAPP}")]
    assert not any(path.startswith("/conversations/") for _, path in ran)
    assert f"steps that ran: {len(ran)}\n  1. Delete the legacy address: Flex Flow {FO_SMS}" in done.stdout
    assert f"python {ROLLBACK}" in done.stdout

    undo = run_script(plan / ROLLBACK, writable, "--yes")
    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert f"Recreate Flex Flow {FO_SMS}" in undo.stdout and "Conversations address" not in undo.stdout  # none made
    assert wiring(scan(writable, tmp_path / "after")) == before


def test_a_rollback_that_would_collide_stops_at_preflight(writable, plan):
    assert run_script(plan / MIGRATE, writable, "--yes").returncode == 0
    made = requests.post(f"{writable.base_url}/flex-api/v1/FlexFlows", auth=(ACCOUNT, TOKEN), timeout=10, data={
        "FriendlyName": "by hand", "ChatServiceSid": sid("IS", 0x131), "ChannelType": "sms",
        "ContactIdentity": "+15550130001", "Enabled": "true", "IntegrationType": "studio",
        "Integration.FlowSid": sid("FW", 0x131)})
    assert made.status_code == 201
    count = len(writes(writable))
    undo = run_script(plan / ROLLBACK, writable, "--yes")
    assert undo.returncode == 3, undo.stdout + undo.stderr
    assert f"Flex Flow {made.json()['sid']} now handles sms for the number" in undo.stdout
    assert len(writes(writable)) == count


def test_a_redirect_is_refused_and_the_credentials_go_nowhere_else(writable, plan, between):
    _, url, collector = between
    env = {**script_env(writable), "FLEXAUDIT_API_BASE_URL": url + "/redirect"}
    done = run_script(plan / MIGRATE, writable, "--yes", env=env)
    assert done.returncode == 1 and "HTTP 307" in done.stderr and "nothing changed" in done.stderr
    assert collector.seen == []


@pytest.mark.parametrize("failing, ran", [
    (("DELETE", "/proxy/"), 2),  # the flow deleted, the number already out of its Messaging Service
    (("POST", "/api/"), 3),  # out of both pools, its webhook not cleared
    (("POST", "/conversations/"), 4),  # unwired, its Conversations address not created
    (("DELETE", "/flex-api/"), 0),
])
def test_a_rollback_finishes_a_migration_that_stopped_at_any_step(writable, between, tmp_path, failing, ran):
    handler, url, _ = between
    scan(writable, tmp_path / "scan")
    assert run_cli("plan", str(tmp_path / "scan"), "--address", FO_EXTERNAL,
                   "--output-dir", str(tmp_path / "plan")).exit_code == 0
    handler.failing = failing
    done = run_script(tmp_path / "plan" / f"migrate-{PN_EXTERNAL}.py", writable, "--yes",
                      env={**script_env(writable), "FLEXAUDIT_API_BASE_URL": url})
    assert done.returncode == 1 and f"steps that ran: {ran}" in done.stdout, done.stdout + done.stderr
    undo = run_script(tmp_path / "plan" / f"rollback-{PN_EXTERNAL}.py", writable, "--yes")
    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert wiring(scan(writable, tmp_path / "after")) == wiring(snapshot.load(tmp_path / "scan" / "flexaudit-inventory.json"))


def test_an_answer_of_an_odd_shape_is_one_line_and_changes_nothing(writable, plan, between):
    handler, url, _ = between
    handler.odd = "/api/"
    done = run_script(plan / MIGRATE, writable, "--yes", env={**script_env(writable), "FLEXAUDIT_API_BASE_URL": url})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "the answer is not a JSON object" in done.stderr and "nothing changed" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not writes(writable)
