"""Uploads through the web app: saved files run through ingest, annotate, resolve and
cluster in a background thread, one job at a time, with progress to poll."""

from __future__ import annotations

import re
import threading
import time
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config, load_config
from ..errors import InputError, RashomonError

#: What the ingest readers take (see the README's input table), gzipped or not.
EXTENSIONS = (
    ".txt",
    ".md",
    ".html",
    ".htm",
    ".jsonl",
    ".json",
    ".csv",
    ".tsv",
    ".xml",
    ".rss",
    ".atom",
    ".warc",
)
MAX_FILES = 50
STAGES = ("saved", "ingest", "annotate", "resolve", "cluster", "done")


def safe_name(name: str) -> str:
    """A client's file name reduced to a harmless base name with a known extension."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.\-]+", "_", base).strip("._")[:120] or "upload"
    low = base.lower().removesuffix(".gz")
    if not low.endswith(EXTENSIONS):
        raise InputError(
            f"cannot read '{name}': upload {', '.join(EXTENSIONS)} files (or gzipped ones)"
        )
    return base


@dataclass
class Job:
    id: str
    files: list[str]
    outlet: str | None = None
    state: str = "queued"  # queued, running, done, failed
    stage: str = "saved"
    done: int = 0
    message: str = ""
    started: float = field(default_factory=time.time)
    finished: float | None = None
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def progress(self) -> float:
        """0..1: the share of stages finished."""
        if self.state == "done":
            return 1.0
        return round(STAGES.index(self.stage) / (len(STAGES) - 1), 2)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "progress": self.progress}


class Jobs:
    """Runs uploads through the pipeline, in order, on a single worker thread (the
    stages write to the store; one writer at a time keeps them simple)."""

    def __init__(self, db: str, upload_dir: Path, config: Config | None = None) -> None:
        self.db = db
        self.upload_dir = upload_dir
        self.config = config
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rashomon-job")

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def submit(self, files: list[tuple[str, bytes]], outlet: str | None = None) -> Job:
        """Save ``files`` (name, content) and queue their analysis; ``outlet``: every
        article of the upload is from this outlet (else from the files' own metadata)."""
        if not files:
            raise InputError("no file uploaded")
        if len(files) > MAX_FILES:
            raise InputError(f"at most {MAX_FILES} files at once, got {len(files)}")
        names = [safe_name(n) for n, _ in files]
        job = Job(uuid.uuid4().hex[:16], [], (outlet or "").strip()[:200] or None)
        folder = self.upload_dir / job.id
        folder.mkdir(parents=True, exist_ok=True)
        seen: set[str] = set()
        for name, (_, content) in zip(names, files, strict=True):
            while name.lower() in seen:
                name = "_" + name
            seen.add(name.lower())
            (folder / name).write_bytes(content)
            job.files.append(name)
        with self._lock:
            self._jobs[job.id] = job
        self._pool.submit(self._run, job, folder)
        return job

    def submit_rule(self, kind: str, names: list[str]) -> Job:
        """Store a merge or split of entities and queue the resolution and clustering
        that apply it."""
        if kind not in ("merge", "split"):
            raise InputError(f"unknown rule '{kind}': merge or split")
        clean = [n.strip()[:200] for n in names if isinstance(n, str) and n.strip()]
        if len(clean) < 2 or len(clean) > 20:
            raise InputError(f"a {kind} needs between 2 and 20 names, got {len(clean)}")
        job = Job(uuid.uuid4().hex[:16], [], None, stage="resolve")
        with self._lock:
            self._jobs[job.id] = job
        self._pool.submit(self._run_rule, job, kind, clean)
        return job

    def _run_rule(self, job: Job, kind: str, names: list[str]) -> None:
        from ..entities import resolve_store
        from ..store import open_store
        from ..stories import cluster_store

        config = self.config or load_config()
        self._set(job, state="running")
        try:
            store = open_store(self.db)
            try:
                with store.transaction():
                    store.add_entity_rule(kind, names)
                self._note(job, rule={"kind": kind, "names": names})
                self._note(job, resolve=resolve_store(store).summary())
                self._set(job, stage="cluster")
                self._note(job, cluster=cluster_store(store, config).summary())
            finally:
                store.close()
            self._set(
                job,
                state="done",
                stage="done",
                finished=time.time(),
                message=f"{kind} of {', '.join(names)} applied",
            )
        except RashomonError as exc:
            self._set(job, state="failed", finished=time.time(), message=str(exc))
        except Exception as exc:  # a bug: keep the server up, say what happened
            traceback.print_exc()
            self._set(job, state="failed", finished=time.time(), message=f"internal error: {exc}")

    def _set(self, job: Job, **changes: Any) -> None:
        with self._lock:
            for k, v in changes.items():
                setattr(job, k, v)

    def _note(self, job: Job, **results: Any) -> None:
        """Add to the job's results; a new dict each time, so readers never see one change."""
        with self._lock:
            job.result = {**job.result, **results}

    def _run(self, job: Job, folder: Path) -> None:
        from ..annotate import annotate
        from ..entities import resolve_store
        from ..ingest import ingest
        from ..store import open_store
        from ..stories import cluster_store

        config = self.config or load_config()
        self._set(job, state="running", stage="ingest")
        try:
            store = open_store(self.db)
            try:
                r = ingest(
                    [str(folder)],
                    store,
                    config,
                    outlet=job.outlet,
                    workers=1,  # no process pool forked from a server's thread
                    progress=lambda rep: self._set(job, done=rep.files),
                )
                self._note(job, ingest=r.summary(), added=list(r.added_ids))
                self._set(job, stage="annotate", done=0)
                r = annotate(store, config, progress=lambda rep: self._set(job, done=rep.annotated))
                self._note(job, annotate=r.summary())
                self._set(job, stage="resolve", done=0)
                self._note(job, resolve=resolve_store(store).summary())
                self._set(job, stage="cluster")
                self._note(job, cluster=cluster_store(store, config).summary())
            finally:
                store.close()
            skipped = [s.reason for s in _skips_of(self.db, folder)]
            self._note(job, skipped=skipped)
            added = len(job.result["added"])
            self._set(
                job,
                state="done",
                stage="done",
                finished=time.time(),
                message=f"{added} article(s) added, {len(skipped)} input(s) skipped",
            )
        except RashomonError as exc:
            self._set(job, state="failed", finished=time.time(), message=str(exc))
        except Exception as exc:  # a bug: keep the server up, say what happened
            traceback.print_exc()
            self._set(job, state="failed", finished=time.time(), message=f"internal error: {exc}")

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _skips_of(db: str, folder: Path) -> list[Any]:
    from ..store import open_store

    with open_store(db) as store:  # type: ignore[attr-defined]
        return [s for s in store.skips("ingest") if s.path.startswith(str(folder))]
