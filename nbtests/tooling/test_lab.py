"""`make lab` starts JupyterLab on the course: it answers, the notebook opens, widgets load."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts JupyterLab through make lab

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
        return response.status, response.read()


def test_make_lab_serves_the_course(tmp_path):
    port = _free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
    )
    args = (
        f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.token= "
        "--ServerApp.password= --LabApp.news_url=None --LabApp.check_for_updates_class="
        "jupyterlab.NeverCheckForUpdate"
    )
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = _get(f"{base}/api/status")
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode(errors="replace")
                assert time.monotonic() < deadline, "JupyterLab did not answer within 60 s"
                time.sleep(0.5)
        assert status == 200
        status, body = _get(f"{base}/lab/tree/course/00_start_here.ipynb")
        assert status == 200 and b"JupyterLab" in body
        assert b"@jupyterlab/apputils-extension:announcements" in body, (
            "the course's page_config (no news pop-up) was not picked up"
        )
        status, body = _get(f"{base}/api/contents/course/00_start_here.ipynb")
        nb = json.loads(body)
        assert nb["type"] == "notebook" and nb["content"]["metadata"]["dlf"]["chapter"] == "00"
        status, body = _get(f"{base}/api/kernelspecs")
        assert "python3" in json.loads(body)["kernelspecs"]
        status, body = _get(f"{base}/lab/api/extensions")
        names = {ext["name"] for ext in json.loads(body)}
        assert names & {
            "@jupyter-widgets/jupyterlab-manager",
            "jupyter-widgets-jupyterlab-manager",
        }, f"widgets extension missing: {names}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
