"""moedearkiv command line: a thin layer over the library (pipeline/, index/, storage/).

JSON goes to stdout (ensure_ascii=False); logs, errors and progress go to stderr.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import warnings
from contextlib import nullcontext
from pathlib import Path

import click

from pipeline.config import Settings
from pipeline.errors import ExitCode, MoedearkivError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE
log = logging.getLogger("moedearkiv")
WRITERS = frozenset({"ingest", "reindex", "remove"})  # commands that take the data folder's write lock


def _dump(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False))


def _settings(ctx: click.Context) -> Settings:
    obj = ctx.obj
    chosen = {"engine": obj["engine"]} if obj["engine"] else {}
    if obj.get("workers"):
        chosen["workers"] = obj["workers"]
    return Settings.resolve(home=obj["home"], db_url=obj["db"], quiet=obj["quiet"], **chosen)


def _services(ctx: click.Context):  # noqa: ANN202 - imported late so `--help` stays fast
    from pipeline.ingest import Services

    if "services" not in ctx.obj:
        settings = _settings(ctx)
        if ctx.info_name in WRITERS - {"ingest"}:  # ingest takes the lock per stored file (pipeline/safe_store.py)
            from pipeline.lock import writer_lock

            ctx.find_root().with_resource(writer_lock(settings.home, settings.lock_timeout))
        ctx.obj["services"] = Services.open(settings)
    return ctx.obj["services"]


def _reader(ctx: click.Context):  # noqa: ANN202 - pipeline.reader.Reader, imported late
    """Archive and index without the ingest pipeline's imports, for the commands that only read."""
    from pipeline.reader import Reader

    if "reader" not in ctx.obj:
        ctx.obj["reader"] = Reader.open(_settings(ctx))
    return ctx.obj["reader"]


class Group(click.Group):
    """The one error boundary: any error becomes one line on stderr and an ExitCode, never a traceback
    (`-v` logs the traceback). SIGTERM is handled as SIGINT; children and temporary folders are cleaned up."""

    def invoke(self, ctx: click.Context) -> object:
        from pipeline.cleanup import process_guard

        try:
            with warnings.catch_warnings():  # click 8.2 deprecates protected_args; 9.0 keeps the name in args
                warnings.simplefilter("ignore", DeprecationWarning)
                command = (ctx.protected_args or ctx.args or [None])[0]  # parsed, not yet invoked
            with process_guard(watch=command in WRITERS or command == "worker"):
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except MoedearkivError as err:
            log.debug("error", exc_info=True)
            click.echo(f"error: {err}", err=True)
            ctx.exit(err.exit_code)
        except BrokenPipeError:  # `moedearkiv search ... | head`: the reader has gone, nothing to report
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(ExitCode.OK)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(ExitCode.INTERRUPTED)
        except Exception as err:  # a bug: one line that asks for a report; the traceback with -v
            log.info("internal error", exc_info=True)
            click.echo(f"error: internal error ({type(err).__name__}: {err}); please report it "
                       "(run with -v for the traceback)", err=True)
            ctx.exit(ExitCode.INTERNAL)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), envvar="MOEDEARKIV_HOME",
              help="Data folder (database and index). Default ./moedearkiv-data.")
@click.option("--db", "db_url", envvar="MOEDEARKIV_DB", help="SQLAlchemy database URL (overrides the SQLite file).")
@click.option("--engine", type=click.Choice(["whoosh", "tantivy", "postgres"]), default=None,
              help="Search engine (env MOEDEARKIV_ENGINE). Default whoosh; tantivy is much faster on large archives.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
@click.option("-v", "--verbose", count=True, help="More log output on stderr.")
@click.pass_context
def main(ctx: click.Context, home: Path | None, db_url: str | None, engine: str | None, quiet: bool,
         verbose: int) -> None:
    """Turn Danish municipal meeting PDFs into a searchable, structured archive."""
    logging.basicConfig(level=logging.WARNING - 10 * min(verbose, 2), stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.ensure_object(dict)
    ctx.obj.update(home=home, db=db_url, quiet=quiet, engine=engine)


def _home_option(func):  # noqa: ANN001, ANN202
    """`--home` is accepted after the command name too (`moedearkiv ingest --home DIR ...`)."""

    def set_home(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
        if value is not None:
            ctx.obj["home"] = value

    return click.option("--home", type=click.Path(file_okay=False, path_type=Path), expose_value=False,
                        callback=set_home, is_eager=True, help="Data folder (database and index).")(func)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON result object per file on stdout.")
@click.option("--queue", "to_queue", is_flag=True,
              help="Only enqueue one job per file in PostgreSQL; `moedearkiv worker` processes (see Scaling out).")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Processes reading documents at once (env MOEDEARKIV_WORKERS; default the number of cores; "
                   "1 reads in this process).")
@_home_option
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], as_json: bool, to_queue: bool, workers: int | None) -> None:
    """Ingest PDF files and folders (recursively). Unchanged files are skipped."""
    ctx.obj["workers"] = workers
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(map(str, missing))}")
    if not to_queue and (len(paths) > 1 or paths[0].is_dir()):
        settings = _settings(ctx)
        if settings.workers > 1:  # the pool's workers get ready while this process imports (pipeline/forkserver.py)
            from pipeline import forkserver

            forkserver.start(settings.lexicon_dir)

    from pipeline.ingest import find_pdfs, ingest_paths

    if to_queue:
        _enqueue(ctx, list(find_pdfs(paths)), as_json)
        return
    import time

    from pipeline.ingest_summary import Summary
    from pipeline.progress import PageLine

    services = _services(ctx)
    files = list(find_pdfs(paths))
    summary = Summary()
    started = time.monotonic()
    show_bar = not services.settings.quiet and len(files) > 1
    pages = PageLine(sys.stderr)  # OCR pages of the file being read, on a terminal only
    if not services.settings.quiet and pages.enabled:
        services.page_sink = pages

    bar_context = click.progressbar(length=len(files), label="ingest", file=sys.stderr, show_pos=True,
                                    item_show_func=lambda p: p.name if p else "") if show_bar else nullcontext()
    with bar_context as bar:

        def report(result) -> None:  # noqa: ANN001
            summary.add(result)
            pages.clear()
            if bar is not None:  # the result line goes above the bar, never inside it
                click.echo("\r\033[K", nl=False, err=True)
            if result.status == "failed":
                click.echo(f"error: {result.error}", err=True)
            if as_json:
                _dump(result.as_json())
            elif result.status != "failed":
                click.echo(f"{result.status:9} {result.path}" + (f" -> {result.meeting_id}" if result.meeting_id
                                                                  else ""))
            note = summary.note(result)
            if note:
                click.echo(note, err=True)
            if bar is not None:  # counted when a file is done, not when the pool takes it
                bar.update(1, Path(result.path))

        try:
            ingest_paths(files, services, on_result=report)
        finally:
            from pipeline import forkserver

            forkserver.stop()
    pages.clear()
    click.echo(summary.line(time.monotonic() - started), err=True)
    ctx.exit(EXIT_FAILED if summary.failed else EXIT_OK)


def _enqueue(ctx: click.Context, files: list[Path], as_json: bool) -> None:
    from pipeline.queue import enqueue, require_postgres

    settings = _settings(ctx)
    require_postgres(settings.db_url, "ingest --queue")
    results = enqueue(files, _services(ctx).archive, settings.db_url)
    for result in results:
        if as_json:
            _dump(result.as_json())
        elif result.status == "failed":
            click.echo(f"error: {result.error}", err=True)
        else:
            click.echo(f"{result.status:14} {result.path}" + (f" -> {result.meeting_id}" if result.meeting_id else ""))
    queued = sum(r.status == "queued" for r in results)
    click.echo(f"queued {queued}, already queued {sum(r.status == 'already-queued' for r in results)}, "
               f"already ingested {sum(r.status == 'skipped' for r in results)}", err=True)
    ctx.exit(EXIT_FAILED if any(r.status == "failed" for r in results) else EXIT_OK)


@main.command()
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 256),
              help="Worker processes on this machine (each takes one document at a time).")
@click.option("--stall-timeout", default=30.0, show_default=True, type=click.FloatRange(2, 86_400),
              help="Seconds without a worker's heartbeat before its running job goes back to the queue.")
@_home_option
@click.pass_context
def worker(ctx: click.Context, concurrency: int, stall_timeout: float) -> None:
    """Take ingest jobs from the PostgreSQL queue and store them, until SIGINT/SIGTERM (any machine that reaches
    the database and sees the files at their queued paths)."""
    from pipeline.worker import WorkerOptions, run

    def report(result) -> None:  # noqa: ANN001 - a FileResult
        if result.status == "failed":
            click.echo(f"error: {result.error}", err=True)
        else:
            click.echo(f"{result.status:9} {result.path}" + (f" -> {result.meeting_id}" if result.meeting_id else ""))

    settings = _settings(ctx)
    click.echo(f"moedearkiv worker: {concurrency} process(es) on {settings.db_url.split('@')[-1]} (Ctrl-C stops)",
               err=True)
    run(settings, WorkerOptions(concurrency=concurrency, stall_timeout=stall_timeout), report)


@main.command("queue")
@click.option("--json", "as_json", is_flag=True)
@_home_option
@click.pass_context
def queue_command(ctx: click.Context, as_json: bool) -> None:
    """Documents of `ingest --queue` pending, running, done and failed (failed files are listed by `failures`),
    and the page jobs of large scans."""
    from pipeline.queue import counts, require_postgres

    require_postgres(_settings(ctx).db_url, "moedearkiv queue")
    result = counts(_services(ctx).archive.engine)
    if as_json:
        _dump(result.as_json())
        return
    for key, value in result.as_json().items():  # pages: the page jobs of large scans, by the same states
        click.echo(f"{key:8} " + (", ".join(f"{k} {v}" for k, v in value.items()) if isinstance(value, dict)
                                  else str(value)))


@main.command()
@click.argument("query")
@click.option("--section", help="Only this section (Beslutning, Indstilling, ...).")
@click.option("--kind", type=click.Choice(["dagsorden", "referat", "bilag", "andet"]))
@click.option("--body", help="Only meetings of this committee or council.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Meetings on or after this date.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Meetings on or before this date.")
@click.option("--case", "case_number", help="Only items with this case number.")
@click.option("--closed", "closed", flag_value=True, default=None, help="Only closed items (lukkede punkter).")
@click.option("--municipality", help="Only meetings of this municipality (ballerup matches Ballerup Kommune).")
@click.option("--sort", default="relevance", show_default=True, type=click.Choice(["relevance", "date", "-date"]),
              help="Best first, oldest first or newest first.")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0), help="Skip this many hits.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--per-item", is_flag=True, help="One hit per item (its best section).")
@click.option("--json", "as_json", is_flag=True)
@_home_option
@click.pass_context
def search(ctx: click.Context, query: str, section: str | None, kind: str | None, body: str | None, date_from,  # noqa: ANN001
           date_to, case_number: str | None, closed: bool | None, municipality: str | None, sort: str, offset: int,
           limit: int, per_item: bool, as_json: bool) -> None:
    """Full-text search over the sections of all meetings (Danish stemming; AND, OR, NOT, "phrases").

    With --section Beslutning, --from/--to bound the decision date."""
    from index import QuerySyntaxError, SearchFilters
    from index.output import hit_lines

    filters = SearchFilters(section=section, kind=kind, body=body, case_number=case_number, closed=closed,
                            municipality=municipality,
                            date_from=date_from.date().isoformat() if date_from else None,
                            date_to=date_to.date().isoformat() if date_to else None)
    services = _reader(ctx)
    from storage.index_state import check_current

    with services.engine.connect() as connection:
        check_current(connection, services.settings.engine, services.index.count())
    try:
        result = services.index.search(query, filters, limit=limit, per_item=per_item, sort=sort, offset=offset)
    except QuerySyntaxError as err:
        raise UsageError(f"bad query {query!r}: {err}") from err
    if as_json:
        _dump(result.as_json())
        return
    click.echo(f"{result.total} hits for {query!r}")
    for line in hit_lines(result):
        click.echo(line)


def _hit_json(hit) -> dict:  # noqa: ANN001
    return hit.as_json()


@main.command()
@click.argument("meeting_id")
@click.option("--item", "item_number", help="Only this item (e.g. 3.7), with its full section texts.")
@click.option("--json", "as_json", is_flag=True, help="The export JSON instead of the readable view.")
@_home_option
@click.pass_context
def show(ctx: click.Context, meeting_id: str, item_number: str | None, as_json: bool) -> None:
    """A readable view of one meeting: metadata, participants, items and sections."""
    from pipeline.export_files import UnknownMeetingError, stored_dict
    from pipeline.show import render_meeting

    stored = _reader(ctx).archive.load(meeting_id)
    if stored is None:
        raise UnknownMeetingError(f"no meeting with id {meeting_id!r}")
    if as_json:
        _dump(stored_dict(stored))
        return
    click.echo(render_meeting(stored, item_number))


@main.command()
@click.argument("meeting_ids", nargs=-1)
@click.option("--all", "export_all", is_flag=True, help="Every meeting in the archive.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="json: one file per meeting; csv: meetings, items, sections, participants, documents tables.")
@_home_option
@click.pass_context
def export(ctx: click.Context, meeting_ids: tuple[str, ...], export_all: bool, out_dir: Path, fmt: str) -> None:
    """Write OUT/<meeting_id>.json per meeting (valid against schema/meeting.schema.json), or CSV tables."""
    from pipeline.export_files import export_meetings

    if bool(meeting_ids) == export_all:
        raise UsageError("give meeting ids or --all (not both)")
    archive = _reader(ctx).archive
    ids = list(meeting_ids) or archive.meeting_ids()
    if fmt == "csv":
        from pipeline.export_csv import export_csv

        counts = export_csv(archive, ids, out_dir)
        click.echo(f"wrote {', '.join(f'{n} {t}' for t, n in counts.items())} to {out_dir}", err=True)
        return
    written = export_meetings(archive, ids, out_dir)
    click.echo(f"wrote {len(written)} file(s) to {out_dir}", err=True)


@main.command()
@click.argument("source", default="-", type=click.File("r", encoding="utf-8"))
@click.option("--join", "join_paragraphs", is_flag=True,
              help="Also join each paragraph's lines and mend line-end hyphenation (med-/lemmerne).")
@_home_option
@click.pass_context
def normalize(ctx: click.Context, source, join_paragraphs: bool) -> None:  # noqa: ANN001
    """Print the OCR-repaired, normalized text of a plain-text FILE (or stdin), line for line."""
    from parsers.repair import Repairer
    from pipeline.text import repair_and_normalize

    repairer = Repairer.load(cache_dir=_settings(ctx).lexicon_dir)
    click.echo(repair_and_normalize(source.read(), repairer, join_paragraphs))


@main.command()
@click.option("--json", "as_json", is_flag=True)
@_home_option
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of documents, meetings, items, sections, pages and OCR pages; failed files with their reason."""
    result = _reader(ctx).archive.stats()
    data = {
        "documents": result.documents, "ingested": result.ingested, "failed": result.failed,
        "meetings": result.meetings, "items": result.items, "sections": result.sections, "pages": result.pages,
        "ocr_pages": result.ocr_pages, "repaired_pages": result.repaired_pages,
        "repaired_words": result.repaired_words,
        "failures": [{"path": f.path, "error": f.error} for f in result.failures],
    }
    if as_json:
        _dump(data)
        return
    for key, value in data.items():
        if key != "failures":
            click.echo(f"{key:15} {value}")
    for failure in result.failures:
        click.echo(f"failed          {failure.error}")


@main.command()
@_home_option
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Rebuild the full-text index from the database."""
    from pipeline.ingest import reindex as rebuild

    count = rebuild(_services(ctx))
    click.echo(f"indexed {count} sections", err=True)


@main.command()
@click.argument("case_number")
@click.option("--json", "as_json", is_flag=True)
@_home_option
@click.pass_context
def case(ctx: click.Context, case_number: str, as_json: bool) -> None:
    """Every item that carries CASE_NUMBER, across meetings, in date order (agenda before minutes)."""
    from pipeline.show import case_history

    rows = case_history(_reader(ctx).archive, case_number)
    if as_json:
        _dump({"case_number": case_number, "entries": rows})
        return
    if not rows:
        click.echo(f"no items with case number {case_number}")
    for row in rows:
        click.echo(f"{row['date'] or '????-??-??'}  {row['kind']:9} {row['meeting_id']}  {row['item_number']} "
                   f"{row['item_title']}")
        for decision in row["decisions"]:
            click.echo(f"    {decision['decided_on'] or '????-??-??'}  {decision['decided_by'] or ''}: "
                       f"{decision['text'][:200]}")


@main.command()
@click.option("--body", help="Only meetings of this committee or council (part of its name).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Meetings on or after this date.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Meetings on or before this date.")
@click.option("--json", "as_json", is_flag=True)
@_home_option
@click.pass_context
def meetings(ctx: click.Context, body: str | None, date_from, date_to, as_json: bool) -> None:  # noqa: ANN001
    """Every meeting with its documents (sources) and their roles: agenda, minutes, item, copy, bilag."""
    rows = _reader(ctx).archive.meeting_rows(body, date_from.date().isoformat() if date_from else None,
                                             date_to.date().isoformat() if date_to else None)
    listed = [{"id": m.id, "body": m.body, "date": m.date, "kind": m.kind, "municipality": m.municipality,
               "sources": [{"filename": d.filename, "path": d.path, "sha256": d.sha256, "role": d.role,
                            "item_number": d.item_number, "pages": d.pages} for d in docs]} for m, docs in rows]
    if as_json:
        _dump({"meetings": listed})
        return
    for m in listed:
        roles = ", ".join(f"{s['role']}{' ' + s['item_number'] if s['item_number'] else ''}" for s in m["sources"])
        click.echo(f"{m['date'] or '????-??-??'}  {m['id']}  {m['kind']}  ({len(m['sources'])}: {roles})")


@main.command()
@click.argument("ident", metavar="ID")
@_home_option
@click.pass_context
def remove(ctx: click.Context, ident: str) -> None:
    """Take a meeting (by id) or one document (by sha256 or path) out of the database and the index."""
    from pipeline.ingest import remove as remove_from_archive

    change = remove_from_archive(ident, _services(ctx))
    if change.deleted:
        click.echo(f"removed {', '.join(change.deleted)}", err=True)
    if change.written:
        click.echo(f"rebuilt {', '.join(change.written)}", err=True)


@main.command()
@click.option("--clear", is_flag=True, help="Forget the recorded failures.")
@click.option("--json", "as_json", is_flag=True)
@_home_option
@click.pass_context
def failures(ctx: click.Context, clear: bool, as_json: bool) -> None:
    """Files that failed to ingest, with the reason and what to do."""
    archive = _services(ctx).archive
    if clear:
        click.echo(f"cleared {archive.clear_failures()} failure(s)", err=True)
        return
    rows = archive.failures()
    if as_json:
        _dump({"failures": [{"path": f.path, "error": f.error} for f in rows]})
        return
    for failure in rows:
        click.echo(f"{failure.path}\n    {failure.error}")



@main.command("parse")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--explain", is_flag=True, help="For each row: item, heading, furniture, metadata or body text, and why.")
@click.option("--json", "as_json", is_flag=True, help="The export JSON of the meeting.")
@click.pass_context
def parse_command(ctx: click.Context, path: Path, explain: bool, as_json: bool) -> None:
    """Parse one PDF without touching the archive; which template won, and (--explain) why each row is what it is."""
    from parsers.explain import explain as render_explanation
    from parsers.explain import trace_file

    trace, document = trace_file(path, _settings(ctx))
    if as_json:
        _dump(document)
    if explain or not as_json:
        click.echo(render_explanation(trace) if explain else render_explanation(trace).split("\n\n")[0])


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (127.0.0.1: this machine only).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@_home_option
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """The web reading room over the archive (read-only; Danish, English with ?lang=en)."""
    from waitress import serve as waitress_serve

    from web import create_app

    click.echo(f"moedearkiv: http://{host}:{port}/ (Ctrl-C stops)", err=True)
    waitress_serve(create_app(_settings(ctx)), host=host, port=port, threads=4, ident="moedearkiv")



@main.group()
def db() -> None:
    """The database schema: migrations for SQLite and PostgreSQL alike."""


@db.command("upgrade")
@_home_option
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Bring the database to the newest schema revision (keeps every document)."""
    from sqlalchemy import create_engine

    from storage.migrate import upgrade

    settings = _settings(ctx)
    if settings.db_url.startswith("sqlite:///"):
        Path(settings.db_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.db_url)
    before, after = upgrade(engine)
    if engine.dialect.name == "postgresql":  # the job queue's tables (procrastinate's own schema) beside ours
        from pipeline.queue import ensure_schema

        if ensure_schema(engine, settings.db_url):
            click.echo("job queue schema applied (procrastinate)", err=True)
    engine.dispose()
    click.echo(f"schema revision {before or '(empty database)'} -> {after}", err=True)


@db.command("revision")
@click.option("-m", "--message", required=True, help="What the schema change is, for the file name.")
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the newest revision (developers)."""
    from storage.migrate import new_revision

    click.echo(str(new_revision(message)))


if __name__ == "__main__":
    main()
