"""Load: texters walking whole reports against the Procfile's gunicorn, as ratios to a bare Flask floor.

    .venv/bin/python bench/load.py [--clients 16,64] [--conversations 32] [--database sqlite|postgres|both]
                                   [--names distinct,repeated] [--stored 1000[,100000]] [--same-person 300]
                                   [--queue-sizes 1000,10000,100000] [--out docs/PERFORMANCE.md]

`make bench` runs it. Everything is measured from outside, as Twilio would load the hotline: gunicorn
started with the options of the Procfile's web line (workers, threads, timeout, preload) on a free
loopback port, and a bare Flask app returning fixed TwiML (bench/floor.py) under the same options, in
the same run. Each client is a texter walking the report of tests/transcripts/report_complete_messy.yaml
over real HTTP, every request signed with twilio's RequestValidator and the app's auth token. Names
are distinct per texter, or all the same person (and `--same-person` of the stored reports about them
too). The database is fresh (a SQLite file, or a database created on 127.0.0.1:5432 and dropped after)
with `--stored` reports bulk-inserted first. Server CPU is read from /proc (the gunicorn master and its
workers, user + system) before and after each run; RSS and PSS of each worker after warm-up (texts in
every language, so lingua and dateparser are loaded). The staff queue and a report page are timed at
`--queue-sizes` reports on PostgreSQL (bench/staff_queue.py). Results go to `--out` as ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from people import person  # noqa: E402
from soak import form_of, free_port, reviewed_copy_of_flows, transcript_script  # noqa: E402

from bot.reports import fields  # noqa: E402
from bot.storage import crypto  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import Contact, Report  # noqa: E402

BIN = Path(sys.executable).parent
TRANSCRIPTS = ROOT / "tests" / "transcripts"
SCRIPT = "report_complete_messy.yaml"
WARM_UP = ["report_es.yaml", "report_pl.yaml", "report_zh.yaml", "report_ar.yaml", "report_fr.yaml", "report_ht.yaml"]
NAME_STEP, OTHER_NAMES_STEP, DOB_STEP = 2, 3, 4  # in the report's script: the name, other spellings, birth date
SLOW_SECONDS = 2.0
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
TARGETS = {"cpu_sqlite": 4.0, "cpu_postgres": 5.0, "p99_16": 3.0, "rss_mb": 150.0, "queue_100k": 2.0}
CLK_TCK = os.sysconf("SC_CLK_TCK")


def script_of(name: str) -> list[tuple[str, dict[str, str]]]:
    """The texts of one transcript (tests/transcripts/NAME), as the soak harness reads them."""
    return transcript_script(TRANSCRIPTS / name)


def walk_for(number: int, names: str, script: list[tuple[str, dict[str, str]]]) -> list[tuple[str, dict[str, str]]]:
    """The report walk of texter `number`: the transcript's person (repeated) or one of their own (distinct)."""
    if names == "repeated":
        return script
    walk = list(script)
    name, dob = person(number)
    walk[NAME_STEP], walk[OTHER_NAMES_STEP], walk[DOB_STEP] = (name, {}), ("skip", {}), (dob, {})
    return walk


def procfile_gunicorn() -> list[str]:
    """The gunicorn options of the Procfile's web line (defaults of ${VAR:-default} filled in), without --bind."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")).removeprefix(
        "web:"
    )
    line = re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", line)
    argv = shlex.split(line.split("&&")[-1])
    assert argv[0] == "gunicorn" and not argv[1].startswith("-"), argv  # gunicorn APP --option…
    options = argv[2:]
    if "--bind" in options:
        del options[options.index("--bind") : options.index("--bind") + 2]
    return options


# --- the servers -------------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (all their threads)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLK_TCK


def memory_mb(pid: int) -> tuple[float, float]:
    """A process's resident and proportional set size in MB (PSS splits shared pages among their sharers)."""
    rss = pss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Pss:"):
            pss = int(line.split()[1])
    return rss / 1024, pss / 1024


@dataclass
class Server:
    """gunicorn serving `app` with the Procfile's options on a free loopback port."""

    app: str
    env: dict[str, str]
    log: Path
    cwd: Path = ROOT
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        argv = [str(BIN / "gunicorn"), self.app, "--bind", f"127.0.0.1:{self.port}", *procfile_gunicorn()]
        out = self.log.open("wb")
        self.proc = subprocess.Popen(argv, cwd=self.cwd, env=self.env, stdout=out, stderr=out)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5):  # noqa: S310 (loopback)
                    break
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"gunicorn {self.app} exited: {self.log.read_text()[-2000:]}") from None
                time.sleep(0.2)
        workers = int(procfile_gunicorn()[procfile_gunicorn().index("--workers") + 1])
        while len(self.workers()) < workers and time.monotonic() < deadline:
            time.sleep(0.2)
        return self

    def workers(self) -> list[int]:
        assert self.proc is not None
        return children(self.proc.pid)

    def cpu(self) -> float:
        assert self.proc is not None
        return cpu_seconds([self.proc.pid, *self.workers()])

    def memory(self) -> list[tuple[float, float]]:
        return [memory_mb(pid) for pid in self.workers()]

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


# --- the texters -------------------------------------------------------------------------------------


@dataclass
class Run:
    """What one load run saw."""

    label: str
    clients: int
    turns: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    reports: int = 0
    conversations: int = 0
    journaled: int = 0  # texts the hotline could not handle in time and kept in its journal for later

    def pct(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    @property
    def cpu_ms(self) -> float:
        return self.cpu / max(self.turns, 1) * 1000

    @property
    def rate(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0

    @property
    def slow(self) -> int:
        return sum(1 for latency in self.latencies if latency > SLOW_SECONDS)


def post(url: str, validator: RequestValidator, form: dict[str, str]) -> tuple[int, float]:
    """One signed webhook request; its status and seconds."""
    data = urllib.parse.urlencode(form).encode()
    headers = {"X-Twilio-Signature": validator.compute_signature(url, form)}
    started = time.perf_counter()
    try:
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 599
    return status, time.perf_counter() - started


class Texters:
    """Numbers handed out once per run of the harness, so every walk starts a new conversation."""

    def __init__(self) -> None:
        self.next = 0
        self.lock = threading.Lock()

    def number(self) -> int:
        with self.lock:
            self.next += 1
            return self.next


def load(
    server: Server,
    token: str,
    clients: int,
    walks: list[list[tuple[str, dict[str, str]]]],
    texters: Texters,
    label: str,
) -> Run:
    """`clients` texters at once walk `walks` (each walk from a new number); measure from outside and /proc."""
    run = Run(label=label, clients=clients, conversations=len(walks))
    validator = RequestValidator(token)
    url = server.url + "/sms"
    lock = threading.Lock()
    pending = iter(walks)

    def client() -> None:
        while True:
            with lock:
                walk = next(pending, None)
            if walk is None:
                return
            sender = f"+1773{2_000_000 + texters.number():07d}"  # a valid number: "same" callback must parse
            for body, extra in walk:
                status, seconds = post(url, validator, form_of(sender, body, extra))
                with lock:
                    run.latencies.append(seconds)
                    run.errors += status != 200

    cpu_before, started = server.cpu(), time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds, run.cpu = time.perf_counter() - started, server.cpu() - cpu_before
    run.turns = len(run.latencies)
    return run


# --- the databases -----------------------------------------------------------------------------------


def seed_reports(url: str, count: int, same_person: int, script: list[tuple[str, dict[str, str]]]) -> None:
    """Bulk-insert `count` stored reports: distinct people, and `same_person` of them about the transcript's."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    crypto.configure(crypto.dev_keyring(ROOT / "instance"))  # the keys the local app encrypts with
    rng = random.Random(15)
    now = datetime.now(UTC)
    name, facility = script[NAME_STEP][0], "Cook County Jail"
    with engine.begin() as conn:
        address = "+13125559999"
        conn.execute(
            insert(Contact),
            [{"address": address, "address_index": crypto.blind_index(address), "channel": "sms", "created_at": now}],
        )
        contact = conn.execute(select(Contact.id)).scalar_one()
        batch = []
        for i in range(count):
            same = i < same_person
            detained = name if same else f"Stored Person {i}"
            batch.append(
                {
                    "ref": f"S-{i:07d}",
                    "ref_index": crypto.blind_index(f"S-{i:07d}"),
                    "contact_id": contact,
                    "status": "new",
                    "urgency_reasons": [],
                    "submitted_at": now - timedelta(minutes=rng.randrange(5 * 24 * 60 if same else 525_600)),
                    "detained_name": detained,
                    "name_key": crypto.name_tokens(detained),
                    **keys(detained, facility),
                    "detained_dob": (dob := "1990-03-03" if same else f"19{50 + i % 50}-0{1 + i % 9}-1{i % 10}"),
                    "dob_index": crypto.blind_index(dob),
                    "facility": facility,
                    "media": [],
                    "reporter_name": "",
                }
            )
            if len(batch) == 5000:
                conn.execute(insert(Report), batch)
                batch = []
        if batch:
            conn.execute(insert(Report), batch)
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    engine.dispose()


def keys(name: str, facility: str) -> dict[str, str]:
    """The same-person keys of a stored report, where this version of the hotline has them."""
    if not hasattr(fields, "match_key"):
        return {}
    return {"match_key": crypto.match_index(name), "facility_key": fields.facility_key(facility)}


def count_reports(url: str) -> int:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(Report)).scalar_one()
    engine.dispose()
    return count


class Postgres:
    """A fresh database on the local PostgreSQL server, dropped afterwards."""

    def __init__(self) -> None:
        self.name = f"holdline_bench_{os.getpid()}_{secrets.token_hex(3)}"
        self.admin = create_engine(
            PG_SERVER.replace("postgresql://", "postgresql+psycopg://") + "/postgres", isolation_level="AUTOCOMMIT"
        )

    def __enter__(self) -> str:
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        return f"{PG_SERVER}/{self.name}"

    def __exit__(self, *_exc: object) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


# --- a whole harness run ---------------------------------------------------------------------------------


@dataclass
class Results:
    machine: dict[str, str]
    options: list[str]
    floors: dict[tuple[str, int], Run] = field(default_factory=dict)  # (database section, clients)
    runs: list[tuple[str, int, str, Run]] = field(default_factory=list)  # (database, stored, names, run)
    memory: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    queue: tuple[dict[int, float], dict[int, dict[str, float]]] | None = None
    notes: list[str] = field(default_factory=list)


def machine() -> dict[str, str]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    return {
        "cores": str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "memory": f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
    }


def warm_up(server: Server, token: str, texters: Texters) -> None:
    """Walk a report in every language, twice, eight texters at once, so both workers load everything."""
    walks = [script_of(name) for name in [SCRIPT, *WARM_UP]] * 2
    load(server, token, 8, walks, texters, "warm-up")


def journaled(folder: Path) -> int:
    """How many texts the server kept in its journal (JOURNAL_DIR under `folder`) instead of answering."""
    entries = folder / "journal" / "inbound.jsonl"
    return sum(1 for _ in entries.open("rb")) if entries.exists() else 0


def app_env(work: Path, url: str, token: str, journal: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "TWILIO_AUTH_TOKEN": token,
        "JOURNAL_DIR": str(journal),  # one per server, so no run inherits another's journal
        "FLOWS_DIR": str(work / "flows"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        **crypto.dev_keys(ROOT / "instance"),  # production mode needs keys: the ones the seeding encrypts with
    }
    env.pop("FLASK_DEBUG", None)
    return env


def run_database(args: argparse.Namespace, database: str, results: Results, work: Path, floor: Server) -> None:
    """The floor at each client count, then the hotline for each stored count and names variant."""
    token = secrets.token_hex(16)
    script = script_of(SCRIPT)
    texters = Texters()
    floor_walks = {clients: [script] * args.conversations for clients in args.clients}
    for clients in args.clients:
        results.floors[(database, clients)] = load(floor, token, clients, floor_walks[clients], texters, "floor")
    for stored in args.stored:
        for names in args.names:
            with tempfile.TemporaryDirectory(dir=work) as folder:
                pg = Postgres() if database == "postgres" else None
                url = pg.__enter__() if pg else f"sqlite:///{folder}/bench.sqlite3"
                server = None
                try:
                    upgrade(url)
                    seed_reports(url, stored, args.same_person if names == "repeated" else 0, script)
                    label = f"{database}-{stored}-{names}"
                    env = app_env(work, url, token, Path(folder) / "journal")
                    server = Server("wsgi:app", env, Path(folder) / "gunicorn.log").start()
                    warm_up(server, token, texters)
                    if "hotline" not in results.memory:
                        results.memory["hotline"] = server.memory()
                    for clients in args.clients:
                        before, kept = count_reports(url), journaled(Path(folder))
                        walks = [walk_for(texters.number(), names, script) for _ in range(args.conversations)]
                        run = load(server, token, clients, walks, texters, label)
                        run.reports = count_reports(url) - before
                        run.journaled = journaled(Path(folder)) - kept
                        results.runs.append((database, stored, names, run))
                        print(summary(run, results.floors[(database, clients)]), flush=True)
                finally:
                    if server is not None:
                        server.stop()
                    if pg:
                        pg.__exit__()


def summary(run: Run, floor: Run) -> str:
    return (
        f"{run.label:28} c={run.clients:<3} {run.rate:6.1f} turns/s p50 {run.pct(0.5) * 1000:6.0f} ms"
        f" p99 {run.pct(0.99) * 1000:6.0f} ms max {max(run.latencies) * 1000:6.0f} ms"
        f" cpu {run.cpu_ms:5.1f} ms/turn = {run.cpu_ms / floor.cpu_ms:4.1f}x floor"
        f" p99 {run.pct(0.99) / floor.pct(0.99):4.1f}x; >2s {run.slow}; errors {run.errors};"
        f" reports {run.reports}/{run.conversations}; journaled {run.journaled}"
    )


def write_markdown(results: Results, path: Path, args: argparse.Namespace) -> None:
    """docs/PERFORMANCE.md: the machine, the options, every figure and its ratio to the floor."""
    m = results.machine
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (bench/load.py); do not edit by hand. Every figure is measured in one run on the",
        "machine below, and what travels between machines is the ratio to the floor measured in the same run:",
        "a bare Flask app (bench/floor.py) returning fixed TwiML under the same gunicorn options. Other",
        "processes on the machine move the milliseconds; the ratios move less.",
        "",
        f"- Machine: {m['cores']} cores, {m['cpu']}, {m['memory']}, {m['system']}; Python {m['python']}",
        f"- gunicorn options (from the Procfile's web line): `{' '.join(results.options)}`",
        f"- Run: `{' '.join(sys.argv[1:]) or '(defaults)'}`; written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Each run: {args.conversations} texters walking tests/transcripts/{SCRIPT}"
        f" ({len(script_of(SCRIPT))} texts each), `clients` of them at once, over loopback HTTP, signed;"
        f" `repeated`: every texter names the same person and {args.same_person} of the stored reports do too.",
        "- CPU per turn: user + system CPU of the gunicorn master and workers (from /proc) over the run,"
        " divided by the turns.",
        "",
        "## The webhook turn vs the floor",
        "",
        "| database | stored | names | clients | turns/s | p50 ms | p99 ms | max ms | CPU ms/turn"
        " | CPU × floor | p99 × floor | > 2 s | errors | journaled | reports filed |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (database, clients), floor in results.floors.items():
        lines.append(
            f"| {database} floor | | | {clients} | {floor.rate:.0f} | {floor.pct(0.5) * 1000:.1f} |"
            f" {floor.pct(0.99) * 1000:.1f} | {max(floor.latencies) * 1000:.0f} | {floor.cpu_ms:.2f} | 1 | 1 |"
            f" {floor.slow} | {floor.errors} | | |"
        )
    for database, stored, names, run in results.runs:
        floor = results.floors[(database, run.clients)]
        lines.append(
            f"| {database} | {stored:,} | {names} | {run.clients} | {run.rate:.0f} | {run.pct(0.5) * 1000:.0f} |"
            f" {run.pct(0.99) * 1000:.0f} | {max(run.latencies) * 1000:.0f} | {run.cpu_ms:.1f} |"
            f" {run.cpu_ms / floor.cpu_ms:.1f} | {run.pct(0.99) / floor.pct(0.99):.1f} | {run.slow} |"
            f" {run.errors} | {run.journaled} | {run.reports}/{run.conversations} |"
        )
    lines += ["", "## Memory per worker after warm-up", ""]
    lines += [
        "Warm-up: a report walked in every language with a transcript (en es pl zh ar fr ht), twice, so each"
        " worker has lingua and dateparser loaded. PSS shares the pages workers share (with `--preload`, the app"
        " loaded once in the master) among them; RSS counts them in each.",
        "",
        "| server | worker | RSS MB | PSS MB |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, workers in results.memory.items():
        for i, (rss, pss) in enumerate(workers, start=1):
            lines.append(f"| {name} | {i} | {rss:.0f} | {pss:.0f} |")
    if results.queue:
        baselines, shapes = results.queue
        sizes = list(shapes)
        lines += [
            "",
            "## The staff queue and a report page on PostgreSQL",
            "",
            "Storage queries of the dashboard (bench/staff_queue.py), median of repeated runs, as a ratio to"
            f" the same query at {sizes[0]:,} reports.",
            "",
            "| query | "
            + " | ".join(f"{size:,} ms" for size in sizes)
            + " | "
            + " | ".join(f"{size:,} / {sizes[0]:,}" for size in sizes[1:])
            + " |",
            "| --- |" + " ---: |" * (2 * len(sizes) - 1),
        ]
        for name in shapes[sizes[0]]:
            cells = " | ".join(f"{shapes[size][name] * 1000:.2f}" for size in sizes)
            ratios = " | ".join(f"{shapes[size][name] / shapes[sizes[0]][name]:.2f}" for size in sizes[1:])
            lines.append(f"| {name} | {cells} | {ratios} |")
        base = " | ".join(f"{baselines[size] * 1000:.2f}" for size in sizes)
        lines.append(f"| (baseline: 50 reports by id) | {base} |" + " |" * (len(sizes) - 1))
    lines += ["", "## Against the targets (issue 15)", ""] + targets(results) + [""]
    lines += results.notes
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def targets(results: Results) -> list[str]:
    """One line per target: the worst measured figure, and whether it holds."""
    out = []
    for database in ("sqlite", "postgres"):
        runs = [(run, results.floors[(d, run.clients)]) for d, _s, _n, run in results.runs if d == database]
        if not runs:
            continue
        limit = TARGETS[f"cpu_{database}"]
        worst = max(run.cpu_ms / floor.cpu_ms for run, floor in runs)
        out.append(
            f"- CPU per turn on {database} ≤ {limit:.0f}× the floor: worst {worst:.1f}×"
            + f" — {verdict(worst <= limit)}"
        )
        p99 = [run.pct(0.99) / floor.pct(0.99) for run, floor in runs if run.clients == 16]
        if p99:
            worst = max(p99)
            out.append(f"- p99 at 16 clients on {database} ≤ 3× the floor: worst {worst:.1f}× — {verdict(worst <= 3)}")
        slow = sum(run.slow for run, _floor in runs if run.clients == 64)
        out.append(f"- no turn over 2 s at 64 clients on {database}: {slow} over — {verdict(slow == 0)}")
    if "hotline" in results.memory:
        rss = max(rss for rss, _pss in results.memory["hotline"])
        out.append(f"- ≤ 150 MB RSS per worker: {rss:.0f} MB — {verdict(rss <= TARGETS['rss_mb'])}")
    if results.queue:
        _baselines, shapes = results.queue
        sizes = list(shapes)
        if len(sizes) > 1:
            name = "queue, open reports, page 1"
            ratio = shapes[sizes[-1]][name] / shapes[sizes[0]][name]
            out.append(
                f"- the queue page at {sizes[-1]:,} within 2× of {sizes[0]:,}: {ratio:.2f}× — {verdict(ratio <= 2)}"
            )
    return out


def verdict(ok: bool) -> str:
    return "holds" if ok else "**misses**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="16,64")
    parser.add_argument("--conversations", type=int, default=32, help="report walks per run")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--names", default="distinct,repeated")
    parser.add_argument("--stored", default="1000,100000", help="stored reports before a run")
    parser.add_argument("--same-person", type=int, default=300, help="stored reports about the repeated person")
    parser.add_argument("--queue-sizes", default="1000,10000,100000", help="'' to skip the staff queue")
    parser.add_argument("--queue-repeat", type=int, default=10)
    parser.add_argument("--out", default=str(ROOT / "docs" / "PERFORMANCE.md"))
    args = parser.parse_args()
    crypto.configure(crypto.dev_keyring(ROOT / "instance"))  # the harness migrates and seeds with the server's keys
    args.clients = [int(n) for n in args.clients.split(",")]
    args.stored = [int(n) for n in args.stored.split(",")]
    args.names = args.names.split(",")
    results = Results(machine=machine(), options=procfile_gunicorn())
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    work = Path(tempfile.mkdtemp(prefix="holdline-bench-"))
    env = {**os.environ, "FLASK_DEBUG": "1"}
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "translate", "compile"], cwd=ROOT, env=env, check=True,
                   capture_output=True)  # fmt: skip
    reviewed_copy_of_flows(work)
    floor = Server("floor:app", {**os.environ, "PYTHONPATH": str(ROOT / "bench")}, work / "floor.log").start()
    try:
        warm_up(floor, "floor", Texters())
        results.memory["floor"] = floor.memory()
        for database in databases:
            run_database(args, database, results, work, floor)
        memory = results.memory.pop("hotline", None)
        if memory:
            results.memory = {"hotline": memory, **results.memory}
    finally:
        floor.stop()
    if args.queue_sizes and "postgres" in databases:
        sizes = [int(n) for n in args.queue_sizes.split(",")]
        from staff_queue import measure

        with Postgres() as url:
            upgrade(url)
            results.queue = measure(url, sizes, args.queue_repeat)
    shutil.rmtree(work, ignore_errors=True)
    write_markdown(results, Path(args.out), args)
    print(Path(args.out).read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
