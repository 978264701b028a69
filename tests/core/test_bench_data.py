"""`BENCH_YEARS` fills only a bench database, never the demo one."""

import pytest

from xiangcheng import bench_data


def test_refuses_a_database_without_bench_in_its_name():
    with pytest.raises(SystemExit, match="only a bench database"):
        bench_data.refuse_unless_bench_database({"NAME": "xiangcheng"})


def test_refuses_the_database_of_env(monkeypatch):
    db = {"NAME": "demo_bench", "HOST": "h", "PORT": 5432}
    monkeypatch.setattr(bench_data, "_env_file_database", lambda: ("h", "5432", "demo_bench"))
    with pytest.raises(SystemExit, match=r"database of \.env"):
        bench_data.refuse_unless_bench_database(db)
    monkeypatch.setattr(bench_data, "_env_file_database", lambda: ("h", "5432", "xiangcheng"))
    bench_data.refuse_unless_bench_database(db)  # a bench database of its own: accepted
