"""The forum as an installed package: a wheel, put in a new virtual environment outside the
checkout, migrates a database, loads the demo and serves its pages, templates, static files and
Danish catalogue included, with nothing read from this checkout."""

import os
import socket
import subprocess  # nosec B404
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECRET = "k" * 64


def run(*command: str | Path, cwd: Path, env: dict, timeout: int = 300) -> str:
    done = subprocess.run(  # nosec B603
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Iterator[Path]:
    """A new virtual environment holding the forum's wheel and nothing else of this checkout.

    Its dependencies are this environment's (a .pth line names our site-packages, whose own
    .pth files, this checkout's editable install among them, are not read from there), so the
    test needs no network, and `pip check` proves the wheel's requirements are met by them."""
    work = tmp_path_factory.mktemp("package")
    env = {"PATH": os.environ["PATH"], "HOME": str(work)}
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-w",
        work / "dist",
        ROOT,
        cwd=work,
        env=env,
    )
    (wheel,) = (work / "dist").glob("forum-*.whl")
    run(sys.executable, "-m", "venv", "--without-pip", work / "venv", cwd=work, env=env)
    python = work / "venv" / "bin" / "python"
    pip = (sys.executable, "-m", "pip", "--python", python)
    run(*pip, "install", "--no-deps", "--no-index", wheel, cwd=work, env=env)
    site = run(
        python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=work, env=env
    ).strip()
    (Path(site) / "outer-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(*pip, "check", cwd=work, env=env)
    yield work / "venv"


@pytest.fixture(scope="module")
def site(venv: Path) -> dict:
    """Where the installed forum runs: a folder of its own, with only a secret key set."""
    where = venv.parent / "site"
    where.mkdir()
    return {
        "cwd": where,
        "env": {"PATH": os.environ["PATH"], "HOME": str(where), "FLASK_SECRET_KEY": SECRET},
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # nosec B310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_installed_forum_is_the_wheel_not_this_checkout(venv, site):
    where = run(venv / "bin" / "python", "-c", "import forum; print(forum.__file__)", **site)

    assert Path(where.strip()).is_relative_to(venv)


def test_the_forum_command_lists_its_commands_before_the_site_is_configured(venv, site):
    unconfigured = {
        name: value for name, value in site["env"].items() if name != "FLASK_SECRET_KEY"
    }

    shown = run(venv / "bin" / "forum", "--help", cwd=site["cwd"], env=unconfigured)

    assert "Traceback" not in shown and "Error" not in shown
    for command in ("db", "seed-demo", "create-user", "export", "import", "backup", "recount"):
        assert f"  {command} " in shown


def test_the_wheel_migrates_loads_the_demo_and_serves_it_with_gunicorn(venv, site):
    forum = venv / "bin" / "forum"
    run(forum, "db", "upgrade", **site)
    assert "Demo content loaded." in run(forum, "seed-demo", **site)
    # The default database lands in the installed package's instance folder, not here.
    assert not list(site["cwd"].glob("*.sqlite"))

    port = free_port()
    log = site["cwd"] / "gunicorn.log"
    with (
        log.open("w") as errors,
        subprocess.Popen(  # nosec B603
            [
                venv / "bin" / "python",
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "forum:create_app()",
            ],
            **site,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        ) as server,
    ):
        try:
            base = f"http://127.0.0.1:{port}"
            # Not a speed target: a guard so that a server that never answers fails the test
            # instead of hanging the suite.
            deadline = time.monotonic() + 120
            while True:
                try:
                    status, front = get(base + "/")
                    break
                except OSError:
                    assert server.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, "gunicorn did not answer"
                    time.sleep(0.2)
            danish_status, danish = get(base + "/", **{"Accept-Language": "da"})
            css_status, css = get(base + "/static/css/forum.css")
        finally:
            server.terminate()

    assert status == 200 and "Employee advocacy is not a strategy" in front
    assert "Log in" in front
    assert danish_status == 200 and "Log ind" in danish
    assert css_status == 200 and css.strip()
