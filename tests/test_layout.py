"""The layout holds: the import contracts in pyproject.toml, no import cycle, and a light relay start-up."""
import os
import subprocess
import sys
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_in_pyproject_are_kept():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Return every group of modules that import each other round a circle (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_itself_round_a_circle():
    # Every import counts here, inside functions and under TYPE_CHECKING too: a circle hidden in a
    # function is still a circle.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    assert _cycles(grimp.build_graph("matcher", cache_dir=None)) == []


def test_relay_receive_process_loads_neither_numpy_nor_scipy(database_url, make_pairing, mail_writer, smtp_sink):
    # Each MTA pipe is a new process; the solver's libraries would add a second to every message.
    _, requester_writes_to, _ = make_pairing()
    raw = mail_writer("requester@example.com", requester_writes_to, "Hello, thank you for writing back to me.")
    report = ("import atexit, sys\n"
              "atexit.register(lambda: print('LOADED', sorted(m for m in ('numpy', 'scipy') if m in sys.modules)))\n"
              "from flask.cli import main\n"
              "main()\n")
    search_path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = os.environ | {"PYTHONPATH": search_path, "FLASK_TESTING": "true", "FLASK_SECRET_KEY": "test-secret",
                        "FLASK_SQLALCHEMY_DATABASE_URI": database_url, "FLASK_MAIL_SERVER": smtp_sink.host,
                        "FLASK_MAIL_PORT": str(smtp_sink.port)}
    done = subprocess.run([sys.executable, "-c", report, "--app", "matcher", "relay", "receive"], input=raw,
                          env=env, cwd=ROOT, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert "LOADED []" in done.stdout.decode()
