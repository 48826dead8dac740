"""The ``rashomon`` command: thin wrappers over the library functions.

Expected failures (a missing path, a bad option, an unknown article) print one line on
stderr and exit non-zero; tracebacks are for bugs only.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .config import Config, load_config
from .errors import InputError, RashomonError
from .store import ArticleQuery, Store, open_store

DEFAULT_DB = "rashomon.db"


def _db_option(f: Any) -> Any:
    return click.option(
        "--db",
        default=lambda: os.environ.get("RASHOMON_DB", DEFAULT_DB),
        show_default="rashomon.db, or $RASHOMON_DB",
        help="Store: an SQLite file, or a postgresql:// URL (a shared PostgreSQL database).",
    )(f)


def _json_option(f: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(f)


def _engine_options(workers: bool = True) -> Any:
    """--engine and --ray-address (and --workers) for the commands that run stages."""

    def wrap(f: Any) -> Any:
        f = click.option(
            "--ray-address",
            metavar="HOST:PORT",
            help="Join this Ray cluster (with --engine ray); default: a private local Ray.",
        )(f)
        f = click.option(
            "--engine",
            type=click.Choice(["local", "ray"]),
            help="Where the stages run [default: [execution] engine of the config, 'local'].",
        )(f)
        if workers:
            f = click.option(
                "--workers",
                type=click.IntRange(min=0),
                help="Worker processes (Ray: actors per stage; 0: one per CPU).",
            )(f)
        return f

    return wrap


def _make_engine(
    state: _State, engine: str | None, address: str | None, workers: int | None
) -> Any:
    from .execution import make_engine

    return make_engine(state.config, engine=engine, address=address, workers=workers)


class _State:
    def __init__(self, config_path: str | None, quiet: bool) -> None:
        self.config_path = config_path
        self.quiet = quiet
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="rashomon")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Settings file (TOML) overriding the packaged defaults.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and requested output.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, quiet: bool) -> None:
    """Compare how different outlets cover the same news, fact by fact.

    \b
    Example:
      rashomon ingest examples/corpus --db demo.db
      rashomon articles --db demo.db
    """
    ctx.obj = _State(config_path, quiet)


def _open(db: str, create: bool = False) -> Store:
    return open_store(db, create=create)


def _make_dir(path: str, option: str) -> None:
    """Create an output directory, or fail in one line saying which option to change."""
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {option} directory {path}: {exc.strerror or exc}") from exc


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _parse_fields(values: tuple[str, ...]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for value in values:
        key, sep, column = value.partition("=")
        if not sep or not key or not column:
            raise InputError(f"--field wants NAME=COLUMN (e.g. text=body), got {value!r}")
        fields[key.strip()] = column.strip()
    return fields


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@_db_option
@click.option("--outlet", help="Every article of this run is from this outlet.")
@click.option(
    "--sources",
    type=click.Path(dir_okay=False),
    help="Outlet descriptions (TOML); sources.toml in a given directory is read too.",
)
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="NAME=COLUMN",
    help="Map an article attribute to an export column, e.g. --field text=body.",
)
@click.option("--workers", type=int, help="Extraction processes (0: one per CPU, 1: none).")
@_engine_options(workers=False)
@_json_option
@click.pass_obj
def ingest(
    state: _State,
    paths: tuple[str, ...],
    db: str,
    outlet: str | None,
    sources: str | None,
    fields: tuple[str, ...],
    workers: int | None,
    engine: str | None,
    ray_address: str | None,
    as_json: bool,
) -> None:
    """Read articles from files, directories and globs into the store.

    Text and Markdown (optionally with a front-matter header), HTML pages, JSON Lines,
    JSON, CSV and Parquet exports, RSS/Atom feeds and WARC archives, gzipped or not. Re-running
    on the same files adds nothing; every input that is not ingested is listed by
    'rashomon skipped' with its reason.

    \b
    Example:
      rashomon ingest examples/corpus --db demo.db
      rashomon ingest 'exports/*.jsonl' --field text=body --db news.db
    """
    from .ingest import ingest as run_ingest
    from .ingest.readers import check_paths

    field_map = _parse_fields(fields)
    check_paths(paths)  # before creating a store for a mistyped path
    runner = _make_engine(state, engine, ray_address, workers)
    store = _open(db, create=True)
    try:
        progress = None
        if not state.quiet and not as_json and sys.stderr.isatty():

            def progress(report: Any) -> None:
                click.echo(
                    f"\r{report.files} files, {report.articles_added} added, "
                    f"{report.skipped} skipped",
                    nl=False,
                    err=True,
                )

        report = run_ingest(
            list(paths),
            store,
            state.config,
            outlet=outlet,
            sources=sources,
            fields=field_map,
            workers=workers,
            progress=progress,
            engine=runner,
        )
        if progress:
            click.echo("", err=True)
    finally:
        store.close()
        runner.close()
    if as_json:
        data = {k: v for k, v in vars(report).items() if k != "added_ids"}
        _echo_json(data)
    elif not state.quiet:
        click.echo(report.summary())
        if report.skipped:
            click.echo(f"See why with: rashomon skipped --db {db}")


@cli.command()
@_db_option
@click.option("--outlet", help="Only this outlet (name or id).")
@click.option("--language", help="Only this language (ISO 639-1 code, e.g. en).")
@click.option("--since", help="Published on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Published on or before this date (YYYY-MM-DD).")
@click.option("--no-duplicates", is_flag=True, help="Hide articles that duplicate another.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many first.")
@_json_option
def articles(
    db: str,
    outlet: str | None,
    language: str | None,
    since: str | None,
    until: str | None,
    no_duplicates: bool,
    limit: int | None,
    offset: int,
    as_json: bool,
) -> None:
    """List stored articles (oldest first).

    \b
    Example:
      rashomon articles --db demo.db --outlet "The Northwind Post"
    """
    query = ArticleQuery(
        outlet=outlet,
        language=language,
        since=since,
        until=until,
        duplicates=not no_duplicates,
        limit=limit,
        offset=offset,
    )
    with _open(db) as store:  # type: ignore[attr-defined]
        rows = list(store.articles(query))
    if as_json:
        _echo_json([_article_summary(a) for a in rows])
        return
    if not rows:
        click.echo("no articles")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for column in ("id", "outlet", "published", "lang", "words", "title", "duplicate of"):
        table.add_column(column, overflow="fold")
    for a in rows:
        dup = (
            f"{a.duplicate_of} ({a.duplicate_kind} {a.duplicate_score:.2f})"
            if a.duplicate_of
            else ""
        )
        table.add_row(
            a.id,
            a.outlet or "(unknown)",
            (a.published or "")[:10],
            a.language or "?",
            str(a.meta.get("words", "")),
            a.title or "",
            dup,
        )
    # Piped output gets a wide table rather than one wrapped at 80 columns.
    Console(highlight=False, markup=False, width=None if sys.stdout.isatty() else 200).print(table)


def _article_summary(a: Any) -> dict[str, Any]:
    """An article as analysis.json and the web API list it, with its duplicate score."""
    from .compare.analysis import article_row

    return {**article_row(a), "duplicate_score": a.duplicate_score}


@cli.command()
@click.argument("article")
@_db_option
@_json_option
def show(article: str, db: str, as_json: bool) -> None:
    """Print one article with its structure (id or unique id prefix).

    Paragraphs that are not the article's own text are marked with their kind
    (headline, subhead, caption, boilerplate, byline).

    \b
    Example:
      rashomon show 3f2a --db demo.db
    """
    from .annotate import load as load_annotations
    from .annotate.serialize import to_dict

    with _open(db) as store:  # type: ignore[attr-defined]
        a = store.get_article(article)
        sources = store.sources_of(a.id)
        ann = load_annotations(store, a.id)
    if as_json:
        data = _article_summary(a)
        data["annotations"] = to_dict(ann) if ann else None
        data["text"] = a.text
        data["blocks"] = [
            {"start": b.start, "end": b.end, "kind": b.kind, "why": b.why} for b in a.blocks
        ]
        data["sources"] = [{"path": p, "locator": loc} for p, loc in sources]
        data["meta"] = a.meta
        _echo_json(data)
        return
    click.echo(f"{a.title or '(no title)'}")
    click.echo(
        f"  id {a.id} | outlet {a.outlet or '(unknown)'} | published "
        f"{a.published or '(unknown)'} | language {a.language or '?'}"
    )
    for path, loc in sources:
        click.echo(f"  from {path}{' ' + loc if loc else ''}")
    if a.duplicate_of:
        click.echo(
            f"  {a.duplicate_kind} duplicate of {a.duplicate_of} "
            f"(similarity {a.duplicate_score:.2f})"
        )
    click.echo("")
    for block in a.blocks:
        text = a.block_text(block)
        if block.kind == "body":
            click.echo(click.wrap_text(text, 100, preserve_paragraphs=True))
        else:
            click.echo(click.style(f"[{block.kind}] {text}", dim=True))
        click.echo("")
    if ann is None:
        click.echo(click.style(f"(not annotated yet: rashomon annotate --db {db})", dim=True))
        return
    _show_annotations(a, ann)


def _show_annotations(a: Any, ann: Any) -> None:
    def head(title: str, n: int) -> None:
        click.echo(click.style(f"{title} ({n})", bold=True))

    if ann.event_date:
        click.echo(f"Event date: {ann.event_date}")
    people: dict[str, set[str]] = {}
    for m in ann.mentions:
        key = f"{m.text} [{m.label}]"
        people.setdefault(key, set())
        if m.role:
            people[key].add(m.role)
    head("Entities", len(people))
    for key, roles in people.items():
        click.echo(f"  {key}" + (f" - {'; '.join(sorted(roles))}" if roles else ""))
    head("Quotes", len(ann.quotes))
    for q in ann.quotes:
        who = q.speaker or q.speaker_text or "?"
        flags = [q.kind, q.resolved_by]
        if q.anonymous:
            flags.append("anonymous")
        if q.vague:
            flags.append("vague")
        click.echo(f"  {who} ({', '.join(flags)}; cue: {q.cue or '-'}): {q.text}")
    head("Quantities", len(ann.quantities))
    for n in ann.quantities:
        counted = f" of {n.counted}" if n.counted else ""
        click.echo(
            f"  {n.text}: {n.qualifier} {n.value:g} {n.unit or ''}{counted}".rstrip()
            if n.value is not None
            else f"  {n.text}"
        )
    head("Dates", len(ann.times))
    for t in ann.times:
        click.echo(f"  {t.text} -> {t.value or 'unresolved'}")
    head("Framing cues", len(ann.cues))
    for c in ann.cues:
        click.echo(f"  {c.kind}: {c.text}" + (f" ({c.note})" if c.note else ""))
    for note in ann.notes:
        click.echo(click.style(f"note: {note}", dim=True))


@cli.command()
@_db_option
@click.option("--force", is_flag=True, help="Redo articles already annotated by this pipeline.")
@click.option(
    "--article", "articles_", multiple=True, metavar="ID", help="Only these articles (repeatable)."
)
@_engine_options()
@_json_option
@click.pass_obj
def annotate(
    state: _State,
    db: str,
    force: bool,
    articles_: tuple[str, ...],
    workers: int | None,
    engine: str | None,
    ray_address: str | None,
    as_json: bool,
) -> None:
    """Annotate stored articles: sentences, entities, quotes, quantities, dates, framing.

    Articles already annotated by the same pipeline (model and component versions) are
    left alone, so re-running is cheap; articles in languages the pipeline does not
    handle are listed by 'rashomon skipped'.

    \b
    Example:
      rashomon annotate --db demo.db
      rashomon show 3f2a --db demo.db
    """
    from .annotate import annotate as run_annotate

    with _open(db) as store:  # type: ignore[attr-defined]
        ids = [store.get_article(a).id for a in articles_] or None
        progress = None
        if not state.quiet and not as_json and sys.stderr.isatty():

            def progress(report: Any) -> None:
                click.echo(
                    f"\r{report.annotated} annotated, {report.skipped} skipped", nl=False, err=True
                )

        with _make_engine(state, engine, ray_address, workers) as runner:
            report = run_annotate(
                store, state.config, ids=ids, force=force, progress=progress, engine=runner
            )
        if progress:
            click.echo("", err=True)
    if as_json:
        _echo_json(vars(report))
    elif not state.quiet:
        click.echo(report.summary())


@cli.command("resolve")
@_db_option
@click.option(
    "--rules",
    type=click.Path(dir_okay=False),
    help="Entity rules (TOML): [[merge]] and [[split]] tables of names.",
)
@click.option(
    "--rebuild", is_flag=True, help="Recompute every entity instead of adding new articles."
)
@_json_option
@click.pass_obj
def resolve_cmd(state: _State, db: str, rules: str | None, rebuild: bool, as_json: bool) -> None:
    """Resolve annotated mentions into entities across articles and spellings.

    Zelensky, Zelenskyy and Zelenskiy become one person, Kiev and Kyiv one city; people
    who only share a first name stay apart. A rules file overrides the automatic
    decisions: [[merge]] names = ["A", "B"] joins, [[split]] names = ["A", "B"] separates.

    Incremental: articles annotated since the last run join the existing entities and
    only the entities they touch are regrouped (the result is the same as --rebuild's).

    \b
    Example:
      rashomon resolve --db demo.db
      rashomon entities --db demo.db --type PERSON
    """
    from .entities import load_rules, resolve_store

    with _open(db) as store:  # type: ignore[attr-defined]
        report = resolve_store(store, load_rules(rules), rebuild=rebuild)
    if as_json:
        _echo_json(vars(report))
    elif not state.quiet:
        click.echo(report.summary())


@cli.command()
@_db_option
@click.option("--type", "type_", help="Only this type: PERSON, ORG, PLACE, NORP...")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0)
@_json_option
def entities(db: str, type_: str | None, limit: int, offset: int, as_json: bool) -> None:
    """List canonical entities with their aliases and the outlets that name them.

    \b
    Example:
      rashomon entities --db demo.db --type PERSON
    """
    with _open(db) as store:  # type: ignore[attr-defined]
        rows = store.entities(type_, limit, offset)
    if as_json:
        _echo_json(rows)
        return
    if not rows:
        click.echo("no entities (run 'rashomon resolve' first)")
        return
    for e in rows:
        aliases = ", ".join(e["aliases"][:6])
        outlets = ", ".join(o for o in e["alias_counts"] if o != "(unknown)")
        click.echo(
            f"{e['id']}  {e['name']} [{e['type']}{', ' + e['country'] if e['country'] else ''}]"
            f"  {e['mentions']} mention(s); aliases: {aliases}"
            + (f"; outlets: {outlets}" if outlets else "")
        )


@cli.command()
@click.argument("name")
@_db_option
@_json_option
def entity(name: str, db: str, as_json: bool) -> None:
    """Show one entity: aliases by outlet (the naming fingerprint), roles, mentions.

    \b
    Example:
      rashomon entity Zelensky --db demo.db
    """
    from .errors import NotFoundError

    with _open(db) as store:  # type: ignore[attr-defined]
        found = store.find_entities(name)
        if not found:
            raise NotFoundError(f"no entity named '{name}' (see 'rashomon entities')")
        e = found[0]
        mentions = store.entity_mentions(e["id"])
    if as_json:
        _echo_json(
            {
                **e,
                "mention_list": [
                    {"article": a, "mention": i, "why": w, "confidence": c}
                    for a, i, w, c in mentions
                ],
            }
        )
        return
    click.echo(
        f"{e['name']} [{e['type']}]  id {e['id']}"
        + (f"  country {e['country']}" if e["country"] else "")
    )
    if len(found) > 1:
        click.echo(f"  (also matching: {', '.join(f['name'] for f in found[1:4])})")
    click.echo("Naming by outlet:")
    for outlet, counts in e["alias_counts"].items():
        click.echo(f"  {outlet}: " + ", ".join(f"{a} ({n})" for a, n in counts.items()))
    if e["roles"]:
        click.echo("Roles: " + "; ".join(e["roles"]))
    click.echo("Merged because: " + ", ".join(f"{w} ({n})" for w, n in e["why"].items()))
    click.echo(f"Mentions: {len(mentions)} in {len({a for a, *_ in mentions})} article(s)")


@cli.command("cluster")
@_db_option
@click.option("--rebuild", is_flag=True, help="Recompute every article's features and story.")
@_engine_options()
@_json_option
@click.pass_obj
def cluster_cmd(
    state: _State,
    db: str,
    rebuild: bool,
    workers: int | None,
    engine: str | None,
    ray_address: str | None,
    as_json: bool,
) -> None:
    """Group articles into stories (one event each) and stories into storylines.

    Incremental: new articles join or form stories, and only the stories they touch are
    re-clustered; story ids stay put when unrelated articles arrive. Run after
    'annotate' and 'resolve' (it also works on bare articles, with words only).

    \b
    Example:
      rashomon cluster --db demo.db
      rashomon stories --db demo.db
    """
    from .stories import cluster_store

    runner = _make_engine(state, engine, ray_address, workers)
    with _open(db) as store, runner:  # type: ignore[attr-defined]
        report = cluster_store(store, state.config, rebuild=rebuild, engine=runner)
    if as_json:
        _echo_json(vars(report))
    elif not state.quiet:
        click.echo(report.summary())
        for note in report.notes:
            click.echo(f"note: {note}")


def _story_line(s: dict[str, Any]) -> str:
    dates = s.get("start") or "?"
    if s.get("end") and s["end"] != s.get("start"):
        dates += f"..{s['end']}"
    outlets = len(s.get("outlets", []))
    return f"{s['id']}  {dates}  {len(s['articles'])} article(s), {outlets} outlet(s)  {s['title']}"


@cli.command()
@_db_option
@click.option("--storyline", help="Only the stories of this storyline.")
@click.option("--min-articles", type=click.IntRange(min=1), default=1, show_default=True)
@_json_option
def stories(db: str, storyline: str | None, min_articles: int, as_json: bool) -> None:
    """List storylines and their stories (run 'rashomon cluster' first).

    \b
    Example:
      rashomon stories --db demo.db --min-articles 2
    """
    with _open(db) as store:  # type: ignore[attr-defined]
        rows = [s for s in store.stories() if len(s["articles"]) >= min_articles]
        lines = store.storylines()
    if storyline:
        rows = [s for s in rows if s.get("storyline") == storyline]
        lines = [line for line in lines if line["id"] == storyline]
    if as_json:
        for s in rows:
            s.pop("profile", None)
        keep = {s["id"] for s in rows}
        _echo_json(
            {
                "stories": rows,
                "storylines": [
                    {**line, "stories": [x for x in line["stories"] if x in keep]}
                    for line in lines
                    if any(x in keep for x in line["stories"])
                ],
            }
        )
        return
    if not rows:
        click.echo("no stories (run 'rashomon cluster' first)")
        return
    by_id = {s["id"]: s for s in rows}
    for line in lines:
        chosen = [by_id[x] for x in line["stories"] if x in by_id]
        if not chosen:
            continue
        click.echo(f"storyline {line['id']}  {line['title']}  ({len(chosen)} stor(ies))")
        for s in chosen:
            click.echo("  " + _story_line(s))


@cli.command()
@click.argument("story_id")
@_db_option
@_json_option
def story(story_id: str, db: str, as_json: bool) -> None:
    """Show one story: dates, outlets, principal entities, summary and articles.

    \b
    Example:
      rashomon story s004674b34a43 --db demo.db
    """
    from .errors import NotFoundError

    with _open(db) as store:  # type: ignore[attr-defined]
        s = store.story(story_id)
        if s is None:
            raise NotFoundError(f"no story '{story_id}' (see 'rashomon stories')")
        articles = store.articles_by_ids(s["articles"])
    s.pop("profile", None)
    listed = sorted(articles, key=lambda a: (a.published or "", a.id))
    if as_json:
        _echo_json(
            {
                **s,
                "article_list": [
                    {"id": a.id, "outlet": a.outlet, "title": a.title, "published": a.published}
                    for a in listed
                ],
            }
        )
        return
    click.echo(_story_line(s))
    click.echo(f"storyline: {s.get('storyline')}")
    click.echo("outlets: " + ", ".join(s["outlets"]))
    if s["entities"]:
        click.echo(
            "principal entities: "
            + "; ".join(f"{e['name']} ({e['articles']})" for e in s["entities"])
        )
    if s["summary"]:
        click.echo("summary:")
        for line in s["summary"]:
            click.echo(f"  - {line['text']}")
    click.echo("articles:")
    for a in listed:
        click.echo(f"  {a.id}  {a.published or '?':25.25}  {a.outlet or '(unknown)'}: {a.title}")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory for analysis.json (and the store, unless --db is given).",
)
@click.option(
    "--db",
    default=None,
    help="Store to use, a file or a postgresql:// URL [default: OUT/rashomon.db].",
)
@click.option("--outlet", help="Every article of this run is from this outlet.")
@click.option("--sources", type=click.Path(dir_okay=False), help="Outlet descriptions (TOML).")
@click.option("--rules", type=click.Path(dir_okay=False), help="Entity rules (TOML).")
@click.option(
    "--rebuild", is_flag=True, help="Resolve every entity from scratch (default: incremental)."
)
@click.option(
    "--parquet",
    "parquet_dir",
    type=click.Path(file_okay=False),
    help="Also write the analysis as partitioned Parquet tables in this directory.",
)
@_engine_options()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of text.")
@click.pass_obj
def analyze(
    state: _State,
    paths: tuple[str, ...],
    out_dir: str,
    db: str | None,
    outlet: str | None,
    sources: str | None,
    rules: str | None,
    rebuild: bool,
    parquet_dir: str | None,
    workers: int | None,
    engine: str | None,
    ray_address: str | None,
    as_json: bool,
) -> None:
    """Run everything: ingest, annotate, resolve, cluster and compare; write
    analysis.json and report.html (open it with 'rashomon open OUT').

    The store keeps every stage's results, so a second run on more files only does
    the new work. The JSON's shape is described by schemas/analysis.schema.json.

    \b
    Example:
      rashomon analyze examples/corpus --out demo-out
      rashomon open demo-out
      rashomon analyze big/ --out big-out --engine ray --workers 8 --parquet big-out/parquet
    """
    from .annotate import annotate as run_annotate
    from .compare.align import Aligner
    from .compare.analysis import build_analysis, write_analysis
    from .compare.matrix import CompareSettings
    from .entities import load_rules, resolve_store
    from .ingest import ingest as run_ingest
    from .ingest.readers import check_paths
    from .report import article_texts, write_report
    from .report.summary import analysis_summary
    from .stories import cluster_store

    check_paths(paths)
    settings = CompareSettings.of(state.config)
    aligner = Aligner(encoder=settings.encoder)  # a missing model is said now, not at the end
    entity_rules = load_rules(rules)
    _make_dir(out_dir, "--out")
    db = db or str(Path(out_dir) / "rashomon.db")
    # What this command writes is never read back as input: 'analyze . --out report'
    # run twice must not take its last report for an article.
    outputs: list[str | Path] = [
        Path(out_dir) / name
        for name in ("analysis.json", "analysis.json.tmp", "report.html", "report.html.tmp")
    ]
    if parquet_dir:
        from .export import TABLES

        outputs += [Path(parquet_dir) / name for name in TABLES]
    quiet = state.quiet or as_json
    say = (lambda msg: None) if quiet else (lambda msg: click.echo(msg))
    bars = not quiet and sys.stderr.isatty()
    runner = _make_engine(state, engine, ray_address, workers)
    store = _open(db, create=True)
    try:
        with _Bar(bars, "ingest") as bar:
            report = run_ingest(
                list(paths),
                store,
                state.config,
                outlet=outlet,
                sources=sources,
                workers=workers if runner.name == "local" else None,
                progress=lambda r: bar.update(r.files, note=f"files, {r.articles_added} added"),
                engine=runner,
                exclude=outputs,
            )
        say("ingest: " + report.summary())
        if report.skipped:
            say(f"  see why with: rashomon skipped --db {db}")
        with _Bar(bars, "annotate") as bar:
            report = run_annotate(
                store,
                state.config,
                progress=lambda r: bar.update(r.annotated, note="articles"),
                engine=runner,
            )
        say("annotate: " + report.summary())
        say("resolve: " + resolve_store(store, entity_rules, rebuild=rebuild).summary())
        say("cluster: " + cluster_store(store, state.config, engine=runner).summary())
        with _Bar(bars, "compare") as bar:
            data = build_analysis(
                store,
                progress=lambda k, n: bar.update(k, n, "stories"),
                engine=runner,
                aligner=aligner,
                limits=settings,
            )
        data["texts"] = article_texts(store, [a["id"] for a in data["articles"]])
        path = write_analysis(data, out_dir)
        html = write_report(data, out_dir)
        if parquet_dir:
            from .export import write_parquet

            tables = write_parquet(data, store, parquet_dir)
            rows = sum(tables.values())
            say(f"parquet: {rows} row(s) in {len(tables)} table(s) in {parquet_dir}")
    finally:
        store.close()
        runner.close()
    summary = analysis_summary(data, analysis=str(path), report=str(html), db=db)
    if as_json:
        _echo_json(summary)
        return
    say(
        f"compare: {summary['compared']} stor(ies) with more than one article, "
        f"{summary['facts']} fact(s), {summary['conflicts']} conflict(s)"
    )
    say("")
    say(summary["text"])
    say(f"  analysis: {path}")
    say(f"  report:   {html}   (open it with: rashomon open {out_dir})")


@cli.command()
@_db_option
@click.option(
    "--parquet",
    "parquet_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory for the Parquet tables (replaced if there).",
)
@_engine_options()
@_json_option
@click.pass_obj
def export(
    state: _State,
    db: str,
    parquet_dir: str,
    workers: int | None,
    engine: str | None,
    ray_address: str | None,
    as_json: bool,
) -> None:
    """Write a store's analysis as partitioned Parquet: articles, entities, mentions,
    stories, facts, matrix cells, quotes and quantities, one directory per table,
    partitioned by month, for DuckDB, pandas or Spark.

    \b
    Example:
      rashomon export --db demo-out/rashomon.db --parquet demo-parquet
      duckdb -c "select status, count(*) from 'demo-parquet/cells/*/*.parquet' group by 1"
    """
    from .compare.align import Aligner
    from .compare.analysis import build_analysis
    from .compare.matrix import CompareSettings
    from .export import write_parquet

    settings = CompareSettings.of(state.config)
    aligner = Aligner(encoder=settings.encoder)
    runner = _make_engine(state, engine, ray_address, workers)
    with _open(db) as store, runner:  # type: ignore[attr-defined]
        data = build_analysis(store, engine=runner, aligner=aligner, limits=settings)
        counts = write_parquet(data, store, parquet_dir)
    if as_json:
        _echo_json({"directory": parquet_dir, "rows": counts})
    elif not state.quiet:
        click.echo(", ".join(f"{n} {name}" for name, n in counts.items()) + f" -> {parquet_dir}")


class _Bar:
    """A progress bar on stderr for one stage of a long run (shown on a terminal only)."""

    def __init__(self, enabled: bool, label: str) -> None:
        self.enabled, self.label, self._progress = enabled, label, None

    def __enter__(self) -> _Bar:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("{task.description:>9}"),
                BarColumn(),
                TextColumn("{task.completed}{task.fields[of]} {task.fields[note]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=None, of="", note="")
        return self

    def update(self, done: int, total: int | None = None, note: str = "") -> None:
        if self._progress is not None:
            of = f"/{total}" if total else ""
            self._progress.update(self._task, completed=done, total=total, of=of, note=note)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


@cli.command("open")
@click.argument("target", default=".", type=click.Path(exists=True))
@click.option("--no-browser", is_flag=True, help="Only print where the report is.")
def open_cmd(target: str, no_browser: bool) -> None:
    """Open the HTML report of an 'analyze' run (DIR/report.html) in a browser.

    Prints the report's path when no browser can be started.

    \b
    Example:
      rashomon analyze examples/corpus --out demo-out
      rashomon open demo-out
      rashomon analyze big/ --out big-out --engine ray --workers 8 --parquet big-out/parquet
    """
    import webbrowser

    from .errors import NotFoundError

    path = Path(target)
    if path.is_dir():
        path = path / "report.html"
    if not path.is_file():
        raise NotFoundError(
            f"no report at {path} (write one with 'rashomon analyze PATH... --out {target}')"
        )
    uri = path.resolve().as_uri()
    if no_browser or not webbrowser.open(uri):
        click.echo(str(path.resolve()))


@cli.command()
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--token",
    envvar="RASHOMON_TOKEN",
    help="Allow write actions (uploads) to holders of this token [$RASHOMON_TOKEN]; "
    "without it the app is read-only.",
)
@click.option(
    "--max-upload-mb",
    type=click.IntRange(1, 1024),
    default=20,
    show_default=True,
    help="Largest upload accepted.",
)
@click.pass_obj
def serve(
    state: _State, db: str, host: str, port: int, token: str | None, max_upload_mb: int
) -> None:
    """Serve the stories, comparisons, search and a JSON API (under /api/) of a store.

    Read-only unless started with --token; listens on 127.0.0.1 only unless told
    otherwise. The API is described at /api/openapi.json and browsable at /api/docs.

    \b
    Example:
      rashomon serve --db demo-out/rashomon.db --port 8000
    """
    from .web import serve as run_server

    _open(db, create=False).close()  # a missing or foreign file fails here, in one line
    if not state.quiet:
        mode = "uploads allowed with the token" if token else "read-only"
        from .store.postgres import redact

        shown = redact(db)
        click.echo(f"Serving {shown} on http://{host}:{port}/ ({mode}); Ctrl-C stops.", err=True)
    run_server(
        db,
        host=host,
        port=port,
        token=token,
        max_upload=max_upload_mb * 2**20,
        config=state.config,
    )


_STATUS_MARK = {
    "reported": "=",
    "omitted": ".",
    "conflicting": "X",
    "more_specific": "+",
    "less_specific": "-",
}


@cli.command()
@click.argument("story_id", required=False)
@_db_option
@click.option("--limit", type=click.IntRange(min=1), default=40, show_default=True)
@_json_option
@click.pass_obj
def compare(state: _State, story_id: str | None, db: str, limit: int, as_json: bool) -> None:
    """Print one story's fact matrix: which outlet reports, omits, contradicts or
    sharpens each fact, then its conflicts and quote drift.

    Cells: = reported, . omitted, X conflicting, + more specific, - less specific.
    Without STORY_ID, the story covered by the most outlets.

    \b
    Example:
      rashomon compare s004674b34a43 --db demo.db
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from .compare.align import Aligner
    from .compare.analysis import compare_stored_story
    from .compare.matrix import CompareSettings
    from .errors import NotFoundError

    settings = CompareSettings.of(state.config)
    aligner = Aligner(encoder=settings.encoder)
    with _open(db) as store:  # type: ignore[attr-defined]
        if story_id is None:
            ranked = sorted(
                store.stories(), key=lambda s: (-len(s["outlets"]), -len(s["articles"]), s["id"])
            )
            if not ranked:
                raise NotFoundError("no stories (run 'rashomon cluster' first)")
            story_id = ranked[0]["id"]
        story = store.story(story_id)
        if story is None:
            raise NotFoundError(f"no story '{story_id}' (see 'rashomon stories')")
        result = compare_stored_story(store, story, aligner, settings)
        articles = {a.id: a for a in store.articles_by_ids(result["articles"])}
    if as_json:
        _echo_json(result)
        return
    console = Console(highlight=False)
    console.print(f"[bold]{escape(story['title'])}[/bold]  ({story_id})")
    table = Table(show_lines=False)
    table.add_column("id", style="dim")
    table.add_column("fact", overflow="fold", max_width=70)
    for k in range(1, len(result["articles"]) + 1):
        table.add_column(str(k), justify="center")
    for fact in result["facts"][:limit]:
        marks = [_STATUS_MARK[fact["cells"][aid]["status"]] for aid in result["articles"]]
        table.add_row(escape(fact["id"]), escape(fact["text"]), *marks)
    console.print(table)
    legend = (f"{mark} {status.replace('_', ' ')}" for status, mark in _STATUS_MARK.items())
    console.print("  " + "   ".join(legend))
    for k, aid in enumerate(result["articles"], 1):
        a = articles[aid]
        console.print(f"  {k}: {escape(a.outlet or '(unknown)')} - {escape(a.title or aid)}")
    if len(result["facts"]) > limit:
        console.print(f"  ({len(result['facts']) - limit} more fact(s); --limit or --json)")
    for note in result.get("notes", []):
        console.print(f"  [yellow]note:[/yellow] {escape(note)}")
    column = {aid: k for k, aid in enumerate(result["articles"], 1)}
    facts_by_id = {f["id"]: f for f in result["facts"]}

    def who(aid: str) -> str:
        # The column number too: one outlet may have two articles in a story.
        return escape(f"{articles[aid].outlet or aid} ({column[aid]})")

    for c in result["conflicts"]:
        if c["kind"] == "quote_drift":
            console.print(f"[yellow]quote drift[/yellow] ({escape(str(c['speaker_name']))}):")
            for aid, r in c["renderings"].items():
                console.print(f"    {who(aid)} \\[{r['kind']}]: {escape(r['text'])}")
        elif c["kind"] == "attribution_dropped":
            stated = ", ".join(who(a) for a in c["stated_as_fact"])
            console.print(f"[yellow]attribution dropped[/yellow] in {stated} (fact {c['fact']}):")
            cells = facts_by_id[c["fact"]]["cells"] if c["fact"] in facts_by_id else {}
            for label, group in (("attributed", c["attributed"]), ("as fact", c["stated_as_fact"])):
                for aid in group:
                    sentence = cells.get(aid, {}).get("sentence")
                    if sentence:
                        console.print(f"    {who(aid)} \\[{label}]: {escape(sentence)}")
        else:
            console.print(f"[red]conflict ({c['kind']})[/red]:")
            for aid, sentence in zip(c["articles"], c["sentences"], strict=True):
                console.print(f"    {who(aid)}: {escape(sentence)}")


@cli.command()
@_db_option
@click.option("--stage", help="Only skips of this stage (e.g. ingest).")
@_json_option
def skipped(db: str, stage: str | None, as_json: bool) -> None:
    """List every input that was not stored, and why.

    \b
    Example:
      rashomon skipped --db demo.db
    """
    with _open(db) as store:  # type: ignore[attr-defined]
        rows = store.skips(stage)
        # A later stage skips an article ("article:<id>"), not a file: say which file.
        ids = [s.path.removeprefix("article:") for s in rows if s.path.startswith("article:")]
        sources = {
            f"article:{a.id}": {"file": a.path or a.url or "", "record": a.locator or ""}
            for a in store.articles_by_ids(ids)
        }
    if as_json:
        _echo_json(
            [
                {
                    "path": s.path,
                    "locator": s.locator,
                    "stage": s.stage,
                    "reason": s.reason,
                    "detail": s.detail,
                    **sources.get(s.path, {}),
                }
                for s in rows
            ]
        )
        return
    if not rows:
        click.echo("nothing skipped")
        return
    for s in rows:
        where = f"{s.path} ({s.locator})" if s.locator else s.path
        if s.path in sources:
            where += f" ({' '.join(filter(None, sources[s.path].values()))})"
        click.echo(f"{where}: [{s.stage}] {s.reason}")


@cli.command()
@_db_option
@_json_option
def outlets(db: str, as_json: bool) -> None:
    """List the outlets in the store, with what the sources file says of them.

    \b
    Example:
      rashomon outlets --db demo.db
    """
    with _open(db) as store:  # type: ignore[attr-defined]
        rows = store.outlets()
        counts = {o.name: store.count_articles(ArticleQuery(outlet=o.name)) for o in rows}
    if as_json:
        _echo_json([{**vars(o), "articles": counts[o.name]} for o in rows])
        return
    if not rows:
        click.echo("no outlets")
        return
    for o in rows:
        facts = [f"{counts[o.name]} article(s)"]
        if o.country:
            facts.append(o.country)
        if o.domains:
            facts.append(", ".join(o.domains))
        if o.state_affiliated:
            facts.append("state-affiliated")
        click.echo(f"{o.name}: " + "; ".join(facts))


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning expected errors into one line."""
    try:
        cli.main(args=argv, prog_name="rashomon", standalone_mode=False)
    except RashomonError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "rashomon"
        click.echo(f"error: {exc.format_message()} (see '{command} --help')", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        # The file system said no (a full disk, a read-only folder, a path through a
        # file): one line, not a traceback.
        where = f": {exc.filename}" if exc.filename else ""
        click.echo(f"error: {exc.strerror or exc}{where}", err=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
