"""The shared shape of the CSV import commands: check all, then import all or nothing."""
import sys

import click

from matcher.extensions import db


def run_import(path: str, dry_run: bool, check, store, vocabularies: dict, noun: str, warn=None) -> None:
    """Check a CSV file and import it whole, or exit 1 naming every bad row; `warn` names rows held back."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        text = handle.read()
    rows, problems = check(text, vocabularies)
    if not problems:
        problems = store(rows, dry_run=True)
    if problems:
        for problem in problems:
            click.echo(f"{path}: {problem}", err=True)
        raise click.ClickException(f"nothing imported: {len(problems)} problem(s) in {path}")
    for warning in warn(rows) if warn else ():
        click.echo(f"{path}: warning: {warning}", err=True)
    if dry_run:
        click.echo(f"{len(rows)} {noun} checked; nothing imported (dry run).")
        return
    with click.progressbar(length=len(rows), label=f"Importing {noun}", file=sys.stderr) as bar:
        def progress(items):
            for item in items:
                yield item
                bar.update(1)

        store(rows, dry_run=False, progress=progress)
    db.session.remove()
    click.echo(f"Imported {len(rows)} {noun}.")
