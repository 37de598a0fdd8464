"""Build hook: ship the top-level templates/, migrations/ and translations/ (compiled .mo committed)
inside the wheel's package.

The design keeps both at the top of the repository; an installed matcher finds
them as matcher/templates and matcher/migrations (see matcher.resource_dir).
Metadata and dependencies stay in setup.cfg.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("templates", "migrations", "translations")


class BuildWithResources(build_py):
    """Copy the shipped folders into the built package (not in editable installs, which read the checkout)."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        root = Path(__file__).resolve().parent
        for name in SHIPPED:
            target = Path(self.build_lib) / "matcher" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(root / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithResources})
