"""`make bench`: gunicorn (2 workers, production settings) on the seeded database,
8 concurrent signed-in clients, a fixed number of requests per page.

Prints requests/s, p50, p95 and the ratio to the floor view (same middleware and
sign-in, a tiny template) for every page in PAGES twice: first with every page computed
on each request (`PAGE_CACHE=False`: what the first visit after a write costs), then as
production runs (read pages kept per data version, `apps.core.pagecache`, when the cache
is shared); then the write pages (WRITES: a session saved through its real form, against
the floor's POST) and the exports, and last two lines: how many read pages computed on
every request are within 2x, and `pages within 2x floor: N/M (engine, years)` as
production runs (p50 within 2x the floor's and requests/s at least half the floor's).
A benchmark, not a test: nothing here asserts a time.

Uses DATABASE_URL when set (PostgreSQL in production), else the SQLite file, and
CACHE_URL when set. `BENCH_YEARS=10` first copies the seeded year into the nine years
before it (`xiangcheng/bench_data.py`: only into a database whose name contains
"bench", never the demo database) and prints each year's ledger derivation time.
"""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (label, path). The floor comes first; each issue adds its pages here.
PAGES: list[tuple[str, str]] = [
    ("floor", "/bench/floor/"),
    ("home", "/"),
    ("units", "/accounts/units/"),
    ("roster", "/members/"),
    ("roster search", "/members/?q=zs&affiliation=cpc&is_standing=false"),
    ("coverage", "/members/pairings/"),
    ("venues", "/venues/"),
    ("venue", "/venues/{venue}/"),
    ("sessions", "/sessions/"),
    ("sessions 2021", "/sessions/?year=2021"),
    ("session", "/sessions/{session}/"),
    ("session calendar", "/sessions/calendar/?month=2021-06"),
    ("topics", "/topics/"),
    ("projects", "/projects/?year=2021"),
    ("project timeline", "/projects/{project}/"),
    ("report", "/reports/{report}/"),
    ("ledger", "/suggestions/"),
    ("ledger overdue", "/suggestions/?overdue=on"),
    ("ledger filtered", "/suggestions/?year=2021&progress=closed&department={department}"),
    ("year statistics", "/suggestions/statistics/?year=2021"),
    ("departments", "/departments/"),
    ("department", "/departments/{department}/"),
    # The seeded year's table (256 members, 50 a page) and the first seeded member's ledger.
    ("evaluation year", "/performance/evaluation/2021/?sort=-total"),
    ("member ledger", "/performance/ledger/2021/{member}/"),
    ("meetings", "/performance/meetings/?year=2021"),
    # The inbox and the navigation's badge (to-dos and unread count, fetched by htmx).
    ("inbox", "/notifications/"),
    ("badge", "/notifications/badge/"),
    # The auditor's page and a user's own sign-in sessions.
    ("security events", "/security/events/"),
    ("my sessions", "/accounts/sessions/"),
    # The proposal register and its statistics.
    ("proposals", "/proposals/"),
    ("proposal statistics", "/proposals/statistics/"),
    # 社情民意: the committee's list, one item's chain, the bulletins, one issue, statistics.
    ("opinions", "/opinions/"),
    ("opinions 2021 adopted", "/opinions/?year=2021&state=adopted"),
    ("opinion", "/opinions/{opinion}/"),
    ("opinion issues", "/opinions/issues/"),
    ("opinion issue", "/opinions/issues/{opinion_issue}/"),
    ("opinion statistics", "/opinions/statistics/?year=2021"),
    # The annual work report of the seeded year (every chapter, its charts and tables).
    ("annual report", "/report/2021/"),
    # The lists its research and pairing figures link to (549 contact records in 2021).
    ("research reports", "/reports/?year=2021"),
    ("instructions", "/instructions/?year=2021"),
    ("contact records", "/members/pairings/contacts/?year=2021"),
    # A member's file of the term, and a chunk (20 files) of the roster's print page.
    ("member file", "/members/{member}/file/"),
    ("files chunk", "/report/files/chunk/?all=1&page=1"),
    # The office evaluation: the seeded year's rankings (21 venues) and one breakdown.
    ("office ranking", "/performance/offices/2021/"),
    ("office breakdown", "/performance/offices/2021/{venue}/"),
]
# Write pages: (label, path, what is posted). Each POST is a new form submission (its
# own submission key); the rows it creates are deleted after the run.
WRITES: list[tuple[str, str, str]] = [
    ("floor write", "/bench/floor/", "floor"),
    # A session at a venue with 20 members, 3 photos (800×600 JPEG) and 2 suggestions.
    ("session save", "/sessions/new/", "session"),
]
# Exports: (label, path), timed one at a time (not against the floor): the whole file
# of every year the user may read.
EXPORTS: list[tuple[str, str]] = [
    ("suggestion export", "/suggestions/export.xlsx"),
    ("session export", "/sessions/export.xlsx"),
    # The whole roster's members' files as one .docx (the 换届 review).
    ("roster files docx", "/report/files/files.docx?all=1"),
    ("opinion export", "/opinions/export.xlsx"),
]
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))  # per page
WRITE_REQUESTS = int(os.environ.get("BENCH_WRITE_REQUESTS", "80"))  # per write page
YEARS = int(os.environ.get("BENCH_YEARS", "1"))
WARMUP = 16
WRITE_PLACE = "bench write"
WRITE_TOPIC = "基准测试议题"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "xiangcheng.settings.production",
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DEBUG": "False",
            "LOG_LEVEL": "ERROR",
            "MEDIA_ROOT": str(ROOT / "media"),
        }
    )
    return env


def manage(env, *args, capture=False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


SESSION_SCRIPT = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from apps.accounts.models import User
user, _ = User.objects.get_or_create(username="bench", defaults={"full_name": "Benchmark"})
user.set_unusable_password(); user.save()
user.groups.add(Group.objects.get(name="county_staff"))
# The audit page is the auditor's: the bench user holds that role too (a bench-only user).
user.groups.add(Group.objects.get(name="auditor"))
for _ in range(%d):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    print("SESSION", s.session_key)
# Objects of the pages with an id in their path ({venue}, {session}, {member}, {project}, …).
from apps.venues.models import Venue
from apps.consultation.models import Session as ConsultationSession
venue = Venue.objects.filter(township__name="城关镇").first() or Venue.objects.first()
print("ID venue", venue.pk if venue else 0)
session = ConsultationSession.objects.published().first()
print("ID session", session.pk if session else 0)
from apps.members.models import Member
member = Member.objects.filter(pairings_led__isnull=False).order_by("member_no").first()
print("ID member", member.pk if member else 0)
from django.db.models import Count
from apps.consultation.models import Department, Report, ResearchProject
project = ResearchProject.objects.annotate(n=Count("reports__suggestions")).order_by("-n").first()
print("ID project", project.pk if project else 0)
report = Report.objects.annotate(n=Count("suggestions")).order_by("-n").first()
print("ID report", report.pk if report else 0)
department = Department.objects.annotate(n=Count("referrals")).order_by("-n").first()
print("ID department", department.pk if department else 0)
from apps.consultation.models import OpinionIssue, OpinionItem
opinion = OpinionItem.objects.annotate(n=Count("referrals")).order_by("-n", "pk").first()
print("ID opinion", opinion.pk if opinion else 0)
opinion_issue = OpinionIssue.objects.order_by("-year", "number").first()
print("ID opinion_issue", opinion_issue.pk if opinion_issue else 0)
# The write page's form: an active venue and twenty members of the current term.
from django.conf import settings
print("ID write_venue", Venue.objects.active().order_by("pk").first().pk)
current = Member.objects.filter(term=settings.CURRENT_TERM, status="active").order_by("pk")
for pk in current.values_list("pk", flat=True)[:20]:
    print("MEMBER", pk)
"""

CLEANUP_SCRIPT = """
from apps.consultation.models import Referral, Session, Suggestion, Topic
Referral.objects.filter(suggestion__session__place=%r).delete()
Suggestion.objects.filter(session__place=%r).delete()
for session in Session.objects.filter(place=%r):
    session.delete()
Topic.objects.filter(title__startswith="%s").delete()
"""


def sample_jpeg(seed: int) -> bytes:
    """An 800×600 photo-like JPEG (noise, so it compresses like a photo)."""
    import io
    import random

    from PIL import Image

    rng = random.Random(seed)
    image = Image.effect_noise((800, 600), 60).convert("RGB")
    image.paste((rng.randrange(256), 120, 80), (0, 400, 800, 600))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]):
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, filename, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def write_body(kind: str, ids: dict[str, str], members: list[str], photos: list[bytes]):
    """The POST of a write page: a fresh submission key each time."""
    import uuid

    key = uuid.uuid4().hex
    fields = [("csrfmiddlewaretoken", CSRF), ("submission_key", key)]
    if kind == "floor":
        return multipart(fields, [])
    fields += [
        ("venue", ids["write_venue"]),
        ("new_topic_title", f"{WRITE_TOPIC}{key[:12]}"),
        ("new_topic_category", "livelihood"),
        ("form", "symposium"),
        ("started_at", "2021-06-15T09:00"),
        ("place", WRITE_PLACE),
        *[("members", pk) for pk in members],
        ("departments", "县住建局"),
        ("other_attendee_count", "5"),
        ("other_attendees", "居民代表"),
        ("minutes", "会议围绕议题进行了协商。" * 20),
        ("suggestions-TOTAL_FORMS", "2"),
        ("suggestions-INITIAL_FORMS", "0"),
        ("suggestions-MIN_NUM_FORMS", "0"),
        ("suggestions-MAX_NUM_FORMS", "50"),
    ]
    for i in range(2):
        fields += [
            (f"suggestions-{i}-text", f"建议{i}：完善社区服务设施。"),
            (f"suggestions-{i}-category", "livelihood"),
            (f"suggestions-{i}-members", members[i]),
        ]
    files = [("photos", f"photo{i}.jpg", data) for i, data in enumerate(photos)]
    return multipart(fields, files)


# The CSRF secret of the write pages' clients (cookie and form field alike).
CSRF = secrets.token_hex(16)


def drive(
    port: int, path: str, cookies: list[str], total: int, post=None
) -> tuple[float, list[float]]:
    """`total` GETs of `path` from len(cookies) threads (or POSTs of `post()`, a body and
    its content type, expecting a redirect); returns (seconds, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = total // len(cookies)
    errors: list[str] = []

    def client(cookie: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {
            "Cookie": f"sessionid={cookie}",
            "X-Forwarded-Proto": "https",
            "Host": "127.0.0.1",
        }
        if post is not None:
            headers["Cookie"] += f"; csrftoken={CSRF}"
            headers["Origin"] = "https://127.0.0.1"
        mine = []
        for _ in range(per_client):
            if post is not None:
                body, content_type = post()
                start = time.perf_counter()
                conn.request(
                    "POST", path, body=body, headers={**headers, "Content-Type": content_type}
                )
            else:
                start = time.perf_counter()
                conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != (302 if post is not None else 200):
                errors.append(f"{path}: HTTP {response.status}")
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(c,)) for c in cookies]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"bench: {errors[0]} ({len(errors)} errors)")
    return elapsed, latencies


def fetch_timed(port: int, path: str, cookie: str) -> tuple[float, float, int]:
    """One GET: (seconds to the last byte, seconds to the first, bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Cookie": f"sessionid={cookie}", "X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    start = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    first = response.read(1)
    first_byte = time.perf_counter() - start
    size = len(first) + len(response.read())
    seconds = time.perf_counter() - start
    conn.close()
    if response.status != 200:
        raise SystemExit(f"bench: {path}: HTTP {response.status}")
    return seconds, first_byte, size


def report(
    label: str, elapsed: float, latencies: list[float], floor: tuple[float, float] | None
) -> tuple[tuple[float, float], bool]:
    """Print a row; returns (p50, requests/s) and whether it is within 2x the floor."""
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
    rps = len(latencies) / elapsed
    floor_p50, floor_rps = floor or (p50, rps)
    ok = p50 <= 2 * floor_p50 and rps >= 0.5 * floor_rps
    print(
        f"{label:<22}{rps:>9.1f}{p50:>10.1f}{p95:>10.1f}{p50 / floor_p50:>10.2f}"
        f"{'' if ok else '   > 2x'}",
        flush=True,
    )
    return (p50, rps), ok


def main() -> None:
    env = bench_env()
    engine = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    cache = env.get("CACHE_URL", "").split(":")[0] or "locmem"
    print(f"bench: {engine}, {YEARS} year(s), cache {cache}", flush=True)
    print("bench: migrating, seeding and collecting static files …", flush=True)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "seed_xiangcheng", capture=True)
    if YEARS > 1:
        manage(
            env, "shell", "-v", "0", "-c", f"from xiangcheng.bench_data import fill; fill({YEARS})"
        )
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    output = manage(env, "shell", "-v", "0", "-c", SESSION_SCRIPT % CLIENTS, capture=True)
    cookies = [line.split()[1] for line in output.splitlines() if line.startswith("SESSION ")]
    ids = {
        line.split()[1]: line.split()[2] for line in output.splitlines() if line.startswith("ID ")
    }
    members = [line.split()[1] for line in output.splitlines() if line.startswith("MEMBER ")]
    photos = [sample_jpeg(i) for i in range(3)]
    # First every page computed on every request (the kept pages off: what a first visit
    # after a write costs), then as production runs (pages kept per data version when the
    # cache is shared), with the writes and the exports.
    with serve({**env, "PAGE_CACHE": "False"}) as port:
        print(f"bench: every page computed on each request (PAGE_CACHE=False), {engine}")
        computed, pages = read_pages(port, ids, cookies)
    kept = "on" if cache != "locmem" and env.get("PAGE_CACHE", "True") != "False" else "off"
    with serve(env) as port:
        print(f"\nbench: as in production (kept pages {kept}), {engine}")
        within, total = read_pages(port, ids, cookies)
        print(f"\n{'write':<22}{'req/s':>9}{'p50 ms':>10}{'p95 ms':>10}{'x floor':>10}")
        floor = None
        try:
            for label, path, kind in WRITES:

                def post(kind=kind):
                    return write_body(kind, ids, members, photos)

                drive(port, path, cookies, len(cookies), post=post)
                elapsed, latencies = drive(port, path, cookies, WRITE_REQUESTS, post=post)
                measured, ok = report(label, elapsed, latencies, floor)
                if floor is None:
                    floor = measured
                else:
                    within, total = within + ok, total + 1
        finally:
            manage(
                env,
                "shell",
                "-v",
                "0",
                "-c",
                CLEANUP_SCRIPT % (WRITE_PLACE, WRITE_PLACE, WRITE_PLACE, WRITE_TOPIC),
            )
        print(f"\n{'export':<22}{'seconds':>9}{'first byte':>11}{'KB':>9}")
        for label, path in EXPORTS:
            for _ in range(2):  # the second of two
                seconds, first_byte, size = fetch_timed(port, path, cookies[0])
            print(f"{label:<22}{seconds:>9.2f}{first_byte:>11.2f}{size // 1024:>9}", flush=True)
    print(f"\nread pages computed on every request within 2x floor: {computed}/{pages}")
    print(f"pages within 2x floor: {within}/{total} ({engine}, {YEARS} years)", flush=True)


@contextmanager
def serve(env: dict[str, str]):
    """gunicorn (2 workers) on a free port for the duration of the block."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
            "--workers", "2", "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=60)


def read_pages(port: int, ids: dict[str, str], cookies: list[str]) -> tuple[int, int]:
    """Every page of PAGES against the floor (the first); (within 2x, pages)."""
    print(f"bench: gunicorn 2 workers, {CLIENTS} clients, {REQUESTS} requests/page\n")
    print(f"{'page':<22}{'req/s':>9}{'p50 ms':>10}{'p95 ms':>10}{'x floor':>10}")
    floor = None
    within = total = 0
    for label, page in PAGES:
        path = page.format(**ids)
        drive(port, path, cookies, WARMUP)
        elapsed, latencies = drive(port, path, cookies, REQUESTS)
        measured, ok = report(label, elapsed, latencies, floor)
        if floor is None:
            floor = measured
        else:
            within, total = within + ok, total + 1
    return within, total


if __name__ == "__main__":
    main()
