"""Load and faults: simulated texters walk whole reports against a real gunicorn while the database fails.

    .venv/bin/python bench/soak.py [--texters 200] [--concurrency 32] [--database sqlite|postgres|both]
                                   [--stop-seconds 30] [--freeze-seconds 20] [--web-workers 3]

Over real HTTP with Twilio-signed requests: N texters (C at a time) each walk the report of
tests/transcripts/report_complete_messy.yaml; some texts are delivered twice (same MessageSid); one
number sends texts simultaneously; one number floods; hostile bodies (NUL, 10,000 characters,
malformed fields, junk signatures with thousands of fields) are mixed in. On PostgreSQL the harness
runs a private cluster of its own (initdb as the `postgres` OS user, a free port, a temporary data
directory removed afterwards) and stops it, then freezes it (SIGSTOP), mid-run; it never touches
another server. On SQLite, "stopped" and "frozen" are another process holding the write lock.
The outbox worker runs beside gunicorn and sends to a local Twilio stand-in.

It prints what was sent, stored, handled and replied, reports completed vs stored, 5xx, latency,
journaled and replayed, and exits non-zero when a text was lost, a 5xx or a slow answer (>= 10 s)
was seen, reports stored differ from reports completed, or a sender's texts were stored out of order.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import create_engine, func, select, text
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.keys import configure, dev_keyring, dev_keys  # noqa: E402
from bot.engine.flow import SHIPPED_REVIEWER  # noqa: E402
from bot.storage.models import Contact, Message, Report  # noqa: E402
from bot.twilio.stub import TwilioStub  # noqa: E402

BIN = Path(sys.executable).parent
SCRIPT_FILE = ROOT / "tests" / "transcripts" / "report_complete_messy.yaml"
SLOW_SECONDS = 10.0
LATER = "received"  # the journal's answer says it (in any language it says "received" in English too)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def report_script() -> list[tuple[str, dict[str, str]]]:
    """The texts of one whole report, with the photo fields where the transcript sends a photo."""
    return transcript_script(SCRIPT_FILE)


def form_of(sender: str, body: str, extra: dict[str, str]) -> dict[str, str]:
    """The fields Twilio posts for one text from `sender` (a new MessageSid each time), plus `extra`."""
    return {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+13125550000",
        "Body": body,
        "NumMedia": "0",
        "FromState": "IL",
        **extra,
    }


def transcript_script(path: Path) -> list[tuple[str, dict[str, str]]]:
    """The texts of one transcript, with the photo fields where it sends a photo."""
    steps = yaml.safe_load(path.read_text(encoding="utf-8"))["steps"]
    script = []
    for step in steps:
        extra: dict[str, str] = {}
        for i, (url, kind) in enumerate(step.get("photos", [])):
            extra.update({"NumMedia": str(i + 1), f"MediaUrl{i}": url, f"MediaContentType{i}": kind})
        script.append((str(step["send"]), extra))
    return script


class PrivatePostgres:
    """A PostgreSQL cluster of our own: initdb'd as the postgres OS user in a temporary directory, on a free port."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
        if not found:
            raise SystemExit("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
        self.bin = Path(found[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="holdline-soak-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        shutil.chown(self.dir, "postgres", "postgres")
        self.dir.chmod(0o700)

    def _as_postgres(self, *argv: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *argv]

    def init(self) -> PrivatePostgres:
        subprocess.run(
            self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-N"),
            check=True,
            capture_output=True,
        )
        self.start()
        engine = create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres", isolation_level="AUTOCOMMIT"
        )
        with engine.connect() as conn:
            conn.execute(text("CREATE DATABASE holdline"))
        engine.dispose()
        return self

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/holdline"

    def start(self) -> None:
        log = (self.dir / "server.log").open("ab")
        argv = [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port), "-k", str(self.dir)]
        argv += ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "fsync=off"]
        # Its own session: SIGSTOP/SIGCONT go to the whole group (postmaster and every backend), ours only.
        self.proc = subprocess.Popen(self._as_postgres(*argv), stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
                probe = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres")
                with probe.connect() as conn:
                    conn.execute(text("SELECT 1"))
                probe.dispose()
                return
            except Exception:
                time.sleep(0.2)
        raise SystemExit("the private PostgreSQL did not start")

    def stop(self) -> None:
        if self.proc is None:
            return
        os.killpg(self.proc.pid, signal.SIGINT)  # fast shutdown: connections are cut, as in a crash or failover
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def freeze(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGCONT)

    def remove(self) -> None:
        if self.proc is not None:
            self.thaw()
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class LockedSqlite:
    """SQLite's outage: another process takes the write lock and keeps it (stop and freeze both do that)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.holder: sqlite3.Connection | None = None

    def stop(self) -> None:
        self.holder = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.holder.execute("BEGIN EXCLUSIVE")

    def start(self) -> None:
        assert self.holder is not None
        self.holder.execute("ROLLBACK")
        self.holder.close()
        self.holder = None

    freeze, thaw = stop, start


@dataclass
class Tally:
    """What the texters saw."""

    sids: set[str] = field(default_factory=set)  # valid texts sent (a duplicate delivery counts once)
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    later: int = 0  # answers saying "received, we will answer shortly" (the journal's)
    walks: dict[str, list[str]] = field(default_factory=dict)  # texter -> bodies in the order sent
    completed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Phone:
    """Post signed webhook requests over HTTP, as Twilio does, timing each."""

    def __init__(self, base_url: str, token: str, tally: Tally) -> None:
        self.base_url, self.validator, self.tally = base_url, RequestValidator(token), tally

    def post(self, form: dict[str, str], signature: str | None = None, path: str = "/sms", counted: bool = True) -> int:
        url = self.base_url + path
        signature = signature or self.validator.compute_signature(url, form)
        data = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(url, data=data, headers={"X-Twilio-Signature": signature}, method="POST")
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                status, body = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, body = error.code, ""
        except OSError:
            status, body = 599, ""  # no answer at all: as bad as a 5xx
        elapsed = time.monotonic() - started
        with self.tally.lock:
            self.tally.latencies.append(elapsed)
            self.tally.statuses[status] += 1
            if counted and status == 200:
                self.tally.sids.add(form["MessageSid"])
                self.tally.later += LATER in body and "answer" in body
        return status

    def text(self, sender: str, body: str, **extra: str) -> tuple[int, dict[str, str]]:
        form = form_of(sender, body, extra)
        return self.post(form), form


def walk_report(phone: Phone, number: int, script: list[tuple[str, dict[str, str]]], duplicates: float) -> None:
    """One texter walks a whole report, text after text; some deliveries are repeated, as Twilio may."""
    sender = f"+1773{2_000_000 + number:07d}"  # valid numbers: the report's "same" callback must parse
    sent: list[str] = []
    ok = True
    for body, extra in script:
        status, form = phone.text(sender, body, **extra)
        ok = ok and status == 200
        sent.append(body)
        if random.random() < duplicates:
            ok = phone.post(form) == 200 and ok
    with phone.tally.lock:
        phone.tally.walks[sender] = sent
        phone.tally.completed += ok


def simultaneous(phone: Phone) -> None:
    """One number sends eight texts at the same moment."""
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda body: phone.text("+17739990001", body), ["hi", "menu", "1", "help", "2", "3", "4", "5"]))


def flood(phone: Phone, count: int) -> None:
    """One number sends `count` texts as fast as four threads can."""
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: phone.text("+17739990002", f"flood {i}"), range(count)))


def hostile(phone: Phone) -> None:
    """NUL, control and very long bodies, malformed fields, and junk-signed requests with thousands of fields."""
    for body in ("\x00", "hi\x00there", "\x07\x1b[31m", "x" * 10_000, "😀" * 1600, ""):
        phone.text("+17739990003", body)
    phone.text("+17739990004", "hello", NumMedia="banana", MediaUrl0="\x00")
    form = {"MessageSid": "SM" + uuid.uuid4().hex, "Body": "no sender"}
    phone.post(form, counted=False)  # 400
    junk = {f"f{i}": "1" for i in range(5000)}
    for _ in range(5):
        phone.post(junk, signature="bm90IGEgc2lnbmF0dXJl", counted=False)  # 413, cheaply


Failing = PrivatePostgres | LockedSqlite


def faults(db: Failing | None, stop_seconds: float, freeze_seconds: float, at: threading.Event) -> list[str]:
    """Stop the database, restart it, then freeze and thaw it; return what was done, with times since the run began."""
    done: list[str] = []
    start = time.monotonic()
    if db is None:
        return done
    pg = isinstance(db, PrivatePostgres)
    at.wait()
    if stop_seconds:
        db.stop()
        done.append(f"{'stopped' if pg else 'locked'} at {time.monotonic() - start:.0f} s")
        time.sleep(stop_seconds)
        db.start()
        done.append(f"{'restarted' if pg else 'released'} after {stop_seconds:.0f} s")
        time.sleep(5)
    if freeze_seconds:
        db.freeze()
        done.append(f"{'frozen' if pg else 'locked again'} at {time.monotonic() - start:.0f} s")
        time.sleep(freeze_seconds)
        db.thaw()
        done.append(f"thawed after {freeze_seconds:.0f} s")
    return done


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def reviewed_copy_of_flows(work: Path) -> Path:
    """The flows with a stand-in reviewer, since production refuses to start on the shipped placeholder."""
    flows = Path(shutil.copytree(ROOT / "flows", work / "flows"))
    for path in flows.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace(SHIPPED_REVIEWER, "soak test"), encoding="utf-8")
    return flows


def run(args: argparse.Namespace, database: str) -> bool:
    """One soak run on one database; print the figures and return whether nothing was lost."""
    work = Path(tempfile.mkdtemp(prefix="holdline-soak-"))
    pg = PrivatePostgres().init() if database == "postgres" else None
    url = pg.url if pg else f"sqlite:///{work / 'holdline.sqlite3'}"
    failing: PrivatePostgres | LockedSqlite = pg or LockedSqlite(work / "holdline.sqlite3")
    twilio = TwilioStub().start()
    token = secrets.token_hex(16)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "TWILIO_AUTH_TOKEN": token,
        "JOURNAL_DIR": str(work / "journal"),
        "LOG_LEVEL": "INFO",
        **dev_keys(ROOT / "instance"),  # production mode refuses to start without field encryption keys
    }
    env.pop("FLASK_DEBUG", None)
    env["FLOWS_DIR"] = str(reviewed_copy_of_flows(work))
    worker_env = {
        **env,
        "FLASK_DEBUG": "1",  # only so the worker may send to the loopback Twilio stand-in
        "TWILIO_API_BASE": twilio.url,
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_FROM_NUMBER": "+13125550000",
    }
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    web_log, worker_log = (work / "web.log").open("wb"), (work / "worker.log").open("wb")
    web = subprocess.Popen(
        [str(BIN / "gunicorn"), "wsgi:app", "--bind", f"127.0.0.1:{port}", "--workers", str(args.web_workers),
         "--threads", "4", "--timeout", "20"],
        cwd=ROOT, env=env, stdout=web_log, stderr=web_log,
    )  # fmt: skip
    worker = subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi", "outbox", "work", "--poll", "0.5"],
        cwd=ROOT, env=worker_env, stdout=worker_log, stderr=worker_log,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    tally = Tally()
    phone = Phone(base, token, tally)
    try:
        wait_for(base + "/healthz", 60)
        script = report_script()
        fault_at = threading.Event()
        fault_log: list[str] = []
        fault_thread = threading.Thread(
            target=lambda: fault_log.extend(faults(failing, args.stop_seconds, args.freeze_seconds, fault_at)),
            daemon=True,
        )
        fault_thread.start()
        started = time.monotonic()
        side = threading.Thread(target=lambda: (simultaneous(phone), flood(phone, args.flood), hostile(phone)))
        side.start()
        with ThreadPoolExecutor(args.concurrency) as pool:
            jobs = []
            for number in range(args.texters):
                jobs.append(pool.submit(walk_report, phone, number, script, args.duplicates))
            while len(tally.walks) < args.texters // 5 and not all(job.done() for job in jobs):
                time.sleep(0.2)  # the faults start once a fifth of the texters have finished their report
            fault_at.set()
            for job in jobs:
                job.result()
        side.join()
        fault_thread.join()
        sending = time.monotonic() - started
        settled = settle(url, tally, timeout=args.settle_seconds)
        figures = measure(url, tally, work, twilio)
    finally:
        for proc in (web, worker):
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        twilio.stop()
        if pg:
            pg.remove()
    lost = figures["sent"] - figures["stored"]
    five = sum(count for status, count in tally.statuses.items() if status >= 500)
    slow = sum(1 for latency in tally.latencies if latency >= SLOW_SECONDS)
    print(
        f"\n== {database}: {args.texters} texters x a full report ({len(script)} texts), {args.concurrency} at a time"
    )
    print(f"faults: {', '.join(fault_log) or 'none'}; sending took {sending:.0f} s, settled: {settled}")
    print(f"texts sent {figures['sent']}, stored {figures['stored']}, handled {figures['handled']}, lost {lost}")
    print(
        f"replies stored {figures['replies']} (in TwiML {figures['in_twiml']}, texted via outbox {figures['texted']})"
    )
    print(f"reports completed {tally.completed}, stored {figures['reports']}")
    print(f"HTTP statuses {dict(sorted(tally.statuses.items()))}; 5xx {five}")
    print(
        f"latency p50 {percentile(tally.latencies, 0.5) * 1000:.0f} ms,"
        f" p99 {percentile(tally.latencies, 0.99) * 1000:.0f} ms,"
        f" max {max(tally.latencies) * 1000:.0f} ms; >= {SLOW_SECONDS:.0f} s: {slow}"
    )
    print(f"journaled {figures['journaled']} (answered 'received' {tally.later}), replayed {figures['replayed']}")
    print(f"out of order senders {figures['out_of_order']}")
    shutil.rmtree(work, ignore_errors=True)
    return (
        lost == 0
        and five == 0
        and slow == 0
        and tally.completed == figures["reports"]
        and figures["out_of_order"] == 0
        and figures["journaled"] == figures["replayed"]
        and settled
    )


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answered at {url}")


def settle(url: str, tally: Tally, timeout: float) -> bool:
    """Wait until every text sent is stored and handled (the worker replays the journal); return whether it was."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                with engine.connect() as conn:
                    stored = conn.execute(select(func.count()).where(Message.direction == "in")).scalar_one()
                    waiting = conn.execute(
                        select(func.count()).where(Message.direction == "in", Message.status == "received")
                    ).scalar_one()
                if stored >= len(tally.sids) and not waiting:
                    return True
            except Exception:
                pass
            time.sleep(1)
        return False
    finally:
        engine.dispose()


def measure(url: str, tally: Tally, work: Path, twilio: TwilioStub) -> dict[str, int]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    configure(dev_keyring(ROOT / "instance"))  # to read the stored texts back, as the app wrote them
    with engine.connect() as conn:
        stored_sids = set(conn.execute(select(Message.sid).where(Message.direction == "in")).scalars())
        handled = conn.execute(
            select(func.count()).where(Message.direction == "in", Message.status.in_(("handled", "failed", "limited")))
        ).scalar_one()
        out = dict(
            conn.execute(
                select(Message.status, func.count()).where(Message.direction == "out").group_by(Message.status)
            ).all()
        )
        reports = conn.execute(select(func.count()).select_from(Report)).scalar_one()
        rows = conn.execute(
            select(Contact.address, Message.body).join(Contact, Contact.id == Message.contact_id)
            .where(Message.direction == "in").order_by(Message.id)
        ).all()  # fmt: skip
    engine.dispose()
    stored_order: dict[str, list[str]] = defaultdict(list)
    for address, body in rows:
        stored_order[address].append(body)
    out_of_order = sum(1 for sender, sent in tally.walks.items() if stored_order.get(sender) != sent)
    for sender, sent in tally.walks.items():
        if stored_order.get(sender) != sent and os.environ.get("SOAK_DEBUG"):
            print("out of order:", sent, stored_order.get(sender))
    journaled: set[str] = set()  # a MessageSid journaled twice (a repeated delivery) is one text
    replayed = 0
    for line in (work / "web.log").read_text(errors="replace").splitlines():
        if '"message": "message SM' in line and 'journaled"' in line:
            journaled.add(line.split('"message": "message ')[1].split()[0])
    for line in (work / "worker.log").read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        words = record.get("message", "").split()
        if words[:1] == ["replayed"]:
            replayed += int(words[1])
    return {
        "sent": len(tally.sids),
        "stored": len(tally.sids & stored_sids),
        "handled": handled,
        "replies": sum(out.values()),
        "in_twiml": out.get("replied", 0),
        "texted": sum(count for status, count in out.items() if status != "replied"),
        "reports": reports,
        "out_of_order": out_of_order,
        "journaled": len(journaled),
        "replayed": replayed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texters", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--stop-seconds", type=float, default=30)
    parser.add_argument("--freeze-seconds", type=float, default=20)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--duplicates", type=float, default=0.05, help="share of texts delivered twice")
    parser.add_argument("--flood", type=int, default=300, help="texts from the flooding number")
    parser.add_argument("--settle-seconds", type=float, default=300)
    args = parser.parse_args()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = [run(args, database) for database in databases]
    print("\nsoak:", "PASS" if all(results) else "FAIL")
    raise SystemExit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
