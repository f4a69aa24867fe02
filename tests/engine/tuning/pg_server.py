"""A real PostgreSQL server for the tests, started from its own binaries on a free port.

The binaries come from the ``pgserver`` wheel (a test extra, so ``make test`` on a fresh
clone has them), else from the system (``/usr/lib/postgresql/*/bin`` or ``PATH``). The
server listens on 127.0.0.1 only, on a port the system chose, with its data and socket in
a fresh temporary folder; each pytest-xdist worker starts its own. PostgreSQL refuses to
run as root: under root the server runs as ``nobody``.

Use:
    server = PostgresServer.start()
    server.url          # postgresql://practica:<password>@127.0.0.1:<port>/practica
    server.stop()
"""

from __future__ import annotations

import glob
import importlib.util
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER, DATABASE = "practica", "practica"


def binaries() -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``."""
    # Found, not imported: importing pgserver sets up more than its binaries.
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.origin:
        bundled = Path(spec.origin).parent / "pginstall" / "bin"
        if (bundled / "initdb").is_file():
            return bundled
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").is_file():
            return Path(folder)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError("No PostgreSQL binaries: pip install pgserver (the test extra), "
                       "or install the system's postgresql package")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    folder: Path
    port: int
    password: str
    user_args: dict

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, password: str | None = None, database: str = DATABASE,
            port: int | None = None) -> str:
        secret = self.password if password is None else password
        auth = f"{USER}:{secret}" if secret else USER
        return f"postgresql://{auth}@127.0.0.1:{port or self.port}/{database}"

    @classmethod
    def start(cls) -> "PostgresServer":
        bin_dir = binaries()
        folder = Path(tempfile.mkdtemp(prefix="practica-pg-"))
        user_args = {}
        if os.name == "posix" and os.geteuid() == 0:
            os.chown(folder, 65534, 65534)  # nobody
            user_args = {"user": 65534, "group": 65534}
        os.chmod(folder, 0o700)
        password = secrets.token_hex(12)
        server = cls(folder, free_port(), password, user_args)
        pwfile = folder / "pw"
        pwfile.write_text(password + "\n")
        if user_args:
            os.chown(pwfile, 65534, 65534)
        server._run(bin_dir / "initdb", "-D", str(server.data), "-U", USER, "-E", "UTF8",
                    "--auth=scram-sha-256", f"--pwfile={pwfile}", "--no-sync",
                    "--no-instructions")
        pwfile.unlink()
        server._run(bin_dir / "pg_ctl", "-D", str(server.data), "-w", "-t", "30",
                    "-l", str(folder / "log"), "-o",
                    f"-h 127.0.0.1 -p {server.port} -k {folder} -F", "start")
        server._run(bin_dir / "createdb", "-h", "127.0.0.1", "-p", str(server.port), "-U", USER,
                    DATABASE, env={"PGPASSWORD": password})
        server.bin_dir = bin_dir
        return server

    def _run(self, *cmd, env: dict | None = None) -> None:
        done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                              env={**os.environ, **(env or {})}, timeout=60,
                              cwd=self.folder, **self.user_args)
        if done.returncode:
            log = self.folder / "log"
            raise RuntimeError(f"{cmd[0]} failed: {done.stderr[-1500:]}"
                               + (log.read_text()[-1500:] if log.is_file() else ""))

    def new_database(self, name: str) -> str:
        """Create database ``name``; its URL (with the password)."""
        self._run(self.bin_dir / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U",
                  USER, name, env={"PGPASSWORD": self.password})
        return self.url(database=name)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``immediate``: as if it crashed); the folder stays for start."""
        self._run(self.bin_dir / "pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop")

    def restart(self) -> None:
        self._run(self.bin_dir / "pg_ctl", "-D", str(self.data), "-w", "-l",
                  str(self.folder / "log"), "-o",
                  f"-h 127.0.0.1 -p {self.port} -k {self.folder} -F", "start")

    def drop(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
