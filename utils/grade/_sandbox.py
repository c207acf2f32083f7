"""Isolation the child applies to itself before any student code runs (Linux).

The child starts as the grader's user and reads its job; then, as root, it enters a new
network namespace (no network, not even loopback) and a new mount namespace in which it
builds a private root: a size-limited tmpfs holding read-only binds of the system folders,
the Python installation, the virtual environment and ``utils/`` only (no ``solutions/``,
``course/``, ``.git``, submissions, gradebooks or feedback), fresh ``/tmp`` and ``/dev/shm``,
a few device nodes and ``/proc``. It ``chroot``s there, sets its resource limits, drops to the
job's own unprivileged uid/gid (no supplementary groups, ``no_new_privs``), and only then
imports NumPy and runs the notebook. Not root: it tries an unprivileged user namespace for the
network, and otherwise runs with resource limits only. Every step reports what it achieved.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS, PR_SET_PDEATHSIG = 38, 1

SYSTEM_DIRS = ("usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
DEVICES = ("null", "zero", "full", "random", "urandom")
HOME = "/home/student"

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [
    ctypes.c_char_p,
    ctypes.c_char_p,
    ctypes.c_char_p,
    ctypes.c_ulong,
    ctypes.c_char_p,
]


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(src: str | None, dst: str, fstype: str | None, flags: int, data: str | None = None):
    def enc(s):
        return s.encode() if s is not None else None

    _check(_libc.mount(enc(src), enc(dst), enc(fstype), flags, enc(data)), f"mount {dst}")


def _bind_ro(src: str, dst: str) -> None:
    if os.path.isdir(src):
        os.makedirs(dst, mode=0o755, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(dst), mode=0o755, exist_ok=True)
        open(dst, "a").close()
    _mount(src, dst, None, MS_BIND | MS_REC)
    _mount(None, dst, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)


def _unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def _private_root(
    new_root: str, binds: list[str], uid: int, fontcache: bytes | None, fontcache_name: str
) -> None:
    """Build the private root in ``new_root`` (inside a new mount namespace) and chroot."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", new_root, "tmpfs", MS_NOSUID | MS_NODEV, "size=128m,mode=755")
    # The fresh /tmp and /dev/shm first, the binds after: a course checked out under /tmp (a CI
    # clone) must stay visible through its binds, not be hidden by the empty /tmp.
    dev = os.path.join(new_root, "dev")
    for path, size in ((os.path.join(dev, "shm"), "64m"), (os.path.join(new_root, "tmp"), "64m")):
        os.makedirs(path, exist_ok=True)
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=1777")
    for name in SYSTEM_DIRS:
        src = os.path.join("/", name)
        dst = os.path.join(new_root, name)
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        elif os.path.isdir(src):
            _bind_ro(src, dst)
    for src in binds:
        if os.path.exists(src) and not any(
            src == f"/{d}" or src.startswith(f"/{d}/") for d in SYSTEM_DIRS
        ):
            _bind_ro(src, new_root + src)
    for name in DEVICES:
        if os.path.exists(f"/dev/{name}"):
            open(os.path.join(dev, name), "a").close()
            _mount(f"/dev/{name}", os.path.join(dev, name), None, MS_BIND)
    for name, target in (
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ):
        os.symlink(target, os.path.join(dev, name))
    proc = os.path.join(new_root, "proc")
    os.makedirs(proc)
    try:
        _mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except OSError:
        _mount("/proc", proc, None, MS_BIND | MS_REC)
    home = new_root + HOME
    os.makedirs(home, mode=0o700)
    mpl = os.path.join(home, ".config", "matplotlib")
    os.makedirs(mpl)
    if fontcache:
        with open(os.path.join(mpl, fontcache_name), "wb") as f:
            f.write(fontcache)
    for dirpath, dirnames, filenames in os.walk(home):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, uid)
    os.chown(home, uid, uid)
    os.chdir(new_root)
    os.chroot(".")
    os.chdir(HOME)


def set_limits(limits: dict) -> list[str]:
    """Apply the resource limits; return what was set."""
    done = []
    table = {
        "as": resource.RLIMIT_AS,
        "nproc": resource.RLIMIT_NPROC,
        "fsize": resource.RLIMIT_FSIZE,
        "cpu": resource.RLIMIT_CPU,
        "core": resource.RLIMIT_CORE,
        "nofile": resource.RLIMIT_NOFILE,
    }
    for key, value in limits.items():
        if key not in table or value is None:
            continue
        try:
            soft, hard = resource.getrlimit(table[key])
            new = int(value) if hard == resource.RLIM_INFINITY else min(int(value), hard)
            resource.setrlimit(table[key], (new, new))
            done.append(key)
        except (ValueError, OSError):
            pass
    return done


def enter(spec: dict) -> dict:
    """Isolate this process as ``spec`` asks; return a report of what is in force."""
    report = {"network": "on", "filesystem": "shared", "uid": "unchanged", "limits": []}
    mode = spec.get("mode", "none")
    uid = int(spec.get("uid") or 0)
    fontcache = None
    if spec.get("fontcache"):
        try:
            with open(spec["fontcache"], "rb") as f:
                fontcache = f.read()
        except OSError:
            fontcache = None
    private = False
    if mode == "root" and os.geteuid() == 0:
        try:
            _unshare(CLONE_NEWNET)
            report["network"] = "off (network namespace)"
        except OSError as exc:
            report["network"] = f"on (unshare(CLONE_NEWNET) failed: {exc.strerror})"
        try:
            _unshare(CLONE_NEWNS)
            _private_root(
                spec["root_dir"],
                spec.get("binds", []),
                uid,
                fontcache,
                spec.get("fontcache_name", "fontlist.json"),
            )
            report["filesystem"] = "private root (mount namespace + chroot)"
            private = True
        except OSError as exc:
            report["filesystem"] = f"shared (private root failed: {exc})"
    elif mode == "user":
        real_uid, real_gid = os.getuid(), os.getgid()
        try:
            _unshare(CLONE_NEWUSER | CLONE_NEWNET)
            with open("/proc/self/setgroups", "w") as f:
                f.write("deny")
            with open("/proc/self/uid_map", "w") as f:
                f.write(f"{real_uid} {real_uid} 1")
            with open("/proc/self/gid_map", "w") as f:
                f.write(f"{real_gid} {real_gid} 1")
            report["network"] = "off (user + network namespace)"
        except OSError as exc:
            report["network"] = f"on (unprivileged user namespace failed: {exc.strerror})"
    if not private:
        os.chdir(spec["work_dir"])
        mpl = os.path.join(spec["work_dir"], ".config", "matplotlib")
        os.makedirs(mpl, exist_ok=True)
        if fontcache:
            with open(os.path.join(mpl, spec.get("fontcache_name", "fontlist.json")), "wb") as f:
                f.write(fontcache)
        if mode == "root" and uid:
            os.chown(spec["work_dir"], uid, uid)
            for dirpath, dirnames, filenames in os.walk(spec["work_dir"]):
                for name in dirnames + filenames:
                    os.chown(os.path.join(dirpath, name), uid, uid)
    home = HOME if private else spec["work_dir"]
    os.environ.update(
        {
            "HOME": home,
            "MPLCONFIGDIR": os.path.join(home, ".config", "matplotlib"),
            "IPYTHONDIR": os.path.join(home, ".ipython"),
            "TMPDIR": "/tmp",
        }
    )
    if not private:
        os.environ["TMPDIR"] = spec["work_dir"]
    report["limits"] = set_limits(spec.get("limits", {}))
    # Only drop privileges inside the private root: outside it the interpreter may live in a
    # folder (e.g. /root/.pyenv) that another uid cannot read.
    if mode == "root" and uid and private:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        report["uid"] = f"dropped to a per-job uid ({uid})"
    elif os.geteuid() == 0:
        report["uid"] = "root (not dropped: no private root)"
    try:
        _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl")
        # Killed with the grader (set after the uid change, which clears it).
        _check(_libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0), "prctl")
    except OSError:
        pass
    sys.dont_write_bytecode = True
    return report
