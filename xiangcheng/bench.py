"""`make bench`: gunicorn (2 workers, production settings) on the seeded database,
8 concurrent signed-in clients, a fixed number of requests per page.

Prints requests/s, p50, p95 and the ratio to the floor view (same middleware and
sign-in, a tiny template) for every page in PAGES. A benchmark, not a test: nothing
here asserts a time. Uses DATABASE_URL when set, else the SQLite file.
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
    ("security events", "/security/events/"),
    ("my sessions", "/accounts/sessions/"),
]
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))  # per page
WARMUP = 16


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
"""


def drive(port: int, path: str, cookies: list[str], total: int) -> tuple[float, list[float]]:
    """`total` GETs of `path` from len(cookies) threads; returns (seconds, latencies)."""
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
        mine = []
        for _ in range(per_client):
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
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


def main() -> None:
    env = bench_env()
    print("bench: migrating, seeding and collecting static files …", flush=True)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "seed_xiangcheng", capture=True)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    output = manage(env, "shell", "-c", SESSION_SCRIPT % CLIENTS, capture=True)
    cookies = [line.split()[1] for line in output.splitlines() if line.startswith("SESSION ")]
    ids = {
        line.split()[1]: line.split()[2] for line in output.splitlines() if line.startswith("ID ")
    }
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
        engine = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
        print(f"bench: gunicorn 2 workers, {engine}, {CLIENTS} clients, {REQUESTS} requests/page\n")
        print(f"{'page':<22}{'req/s':>9}{'p50 ms':>10}{'p95 ms':>10}{'x floor':>10}")
        floor_p50 = None
        for label, page in PAGES:
            path = page.format(**ids)
            drive(port, path, cookies, WARMUP)
            elapsed, latencies = drive(port, path, cookies, REQUESTS)
            latencies.sort()
            p50 = statistics.median(latencies) * 1000
            p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
            floor_p50 = floor_p50 or p50
            print(
                f"{label:<22}{len(latencies) / elapsed:>9.1f}{p50:>10.1f}{p95:>10.1f}"
                f"{p50 / floor_p50:>10.2f}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
