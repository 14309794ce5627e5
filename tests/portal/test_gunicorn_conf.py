"""docker/gunicorn.conf.py: (2 x CPUs) + 1 web workers, counting the CPUs a container may use."""

import os
import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "docker" / "gunicorn.conf.py"


@pytest.fixture
def conf(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    return runpy.run_path(str(CONF))


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [
        ("max 100000\n", None),  # no quota: every CPU it may run on
        ("100000 100000\n", 1),  # --cpus 1
        ("150000 100000\n", 2),  # --cpus 1.5: a part of a CPU counts as one
        ("5000 100000\n", 1),  # at least one
        ("garbled", None),
    ],
)
def test_a_cgroup_quota_caps_the_cpus(conf, tmp_path, cpu_max, expected):
    path = tmp_path / "cpu.max"
    path.write_text(cpu_max)
    affinity = len(os.sched_getaffinity(0))
    assert conf["cpus_available"](str(path)) == min(expected or affinity, affinity)


def test_without_a_cgroup_file_the_cpus_it_may_run_on_count(conf, tmp_path):
    assert conf["cpus_available"](str(tmp_path / "none")) == len(os.sched_getaffinity(0))


def test_workers_are_twice_the_cpus_plus_one_unless_web_concurrency_says(conf, monkeypatch):
    assert conf["workers"] == 2 * conf["cpus_available"]() + 1
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert runpy.run_path(str(CONF))["workers"] == 3
