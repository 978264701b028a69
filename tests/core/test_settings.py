import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "xiangcheng.settings.production",
    "SECRET_KEY": "x" * 20 + "-production-like-secret-key-for-checking-0123456789",
    "ALLOWED_HOSTS": "zx.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://zx.example.gov.cn",
    "DATABASE_URL": "sqlite:////tmp/xc-deploy-check.sqlite3",
    # gunicorn's workers share the cache (the overview's figures: core.W001).
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def run_manage(*args, env_extra):
    dropped = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.slow_subprocess
def test_check_deploy_is_clean_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow_subprocess
def test_check_deploy_warns_of_a_per_process_cache():
    env = {**PRODUCTION_ENV, "CACHE_URL": "locmemcache://"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=env)
    assert result.returncode != 0
    assert "core.W001" in result.stdout + result.stderr


@pytest.mark.slow_subprocess
def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", env_extra=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_defaults(settings):
    from xiangcheng.settings import base

    assert base.env.bool("DEBUG_UNSET_PROBE", default=False) is False
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_debug_defaults_off_and_sqlite_is_the_default_database():
    code = (
        "import os; os.environ.pop('DEBUG', None); os.environ.pop('DATABASE_URL', None);"
        "from xiangcheng.settings import base as b;"
        "print(b.DEBUG, b.DATABASES['default']['ENGINE'], b.DATABASES['default']['NAME'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    if (ROOT / ".env").exists() and "DEBUG=" in (ROOT / ".env").read_text():
        pytest.skip("a local .env overrides the defaults")
    assert out[0] == "False"
    assert out[1] == "django.db.backends.sqlite3"
    assert out[2].endswith("db.sqlite3")


def test_postgres_url_gets_persistent_connections_with_health_checks():
    code = (
        "from xiangcheng.settings import base as b; d=b.DATABASES['default'];"
        "print(d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://u:p@db.example/xc"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["django.db.backends.postgresql", "60", "True"]
