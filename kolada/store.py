"""The Parquet cache: one file per entity (kpis, municipalities, groups, values).

(About 470 lines: one class whose reads and writes share the manifest protocol below; split,
the atomic-publish rule would live in two places.)

Layout: every commit writes its datasets into a new folder ``versions/<id>/`` and then publishes
them all at once by replacing ``manifest.json`` (temp file, fsync, ``os.replace``), which maps each
entity to its file. A reader reads the manifest and then the files it names, so it sees either the
old set or the new one, never a mix, and a crash before the manifest is replaced leaves the old
set published (the unfinished folder is removed by the next refresh). Files of the current and the
previous manifest are kept, so a reader that read the manifest just before a commit still finds
its files. Caches from before the manifest (``<entity>.parquet`` in the root) are read as they
are and moved over at the next commit.

**Proof of the bytes.** The manifest (format 2) records each published file's size and SHA-256,
and each version folder holds the same for its own files (``checksums.json``). A reader verifies
a file once per process (per size and mtime); a file that does not match, or cannot be parsed,
is "skadad": the reader takes the entity's file of the previous kept set instead (verified too),
and ``damaged()`` names it. A manifest that is missing (with version folders present), cannot be
decoded or parsed, or names a file that is not there is never trusted: the set is rebuilt from
the newest version folder whose files match their checksums, and nothing is deleted until a
commit writes a good manifest.

Readers take no lock and write nothing, so a read-only cache folder (a replica serving a shared
cache) works. A dataset that cannot be parsed is treated as missing (logged; ``health`` says
"skadad") and the next refresh writes it anew. Files are created with the permissions the umask
allows (not mkstemp's 0600), so another user can read a shared cache.

Provenance (fetched_at UTC, base URL, requests, rows, KPIs …) lives in the Parquet schema metadata
under the key ``kolada``. Group memberships are dated snapshots (``first_seen``/``last_seen``): a
group id keeps its past memberships when Kolada re-matches its members.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from kolada.errors import BadInput, Busy, os_error_text
from kolada.ids import require_known, validate_kpi_ids, validate_municipality_ids, validate_years

logger = logging.getLogger(__name__)

ENTITIES = ("kpis", "municipalities", "groups", "values")
META_KEY = b"kolada"
MANIFEST = "manifest.json"
CHECKSUMS = "checksums.json"  # in each version folder: its files' sizes and SHA-256
FORMAT = 2  # the manifest's format: 2 records sizes and SHA-256
VERSIONS = "versions"
LOCK_WAIT = 360.0  # seconds a refresh waits for another; a refresh's own deadline is 300 s
DEFAULT_CACHE_DIR = Path(__file__).resolve().parents[1] / "data" / "cache"
_PUBLISHED = re.compile(r"(versions/v[\w.-]+/)?(kpis|municipalities|groups|values)\.parquet")


def cache_dir_from_env() -> Path:
    """``KOLADA_CACHE_DIR`` if set, else ``data/cache`` beside the app."""
    return Path(os.environ.get("KOLADA_CACHE_DIR") or DEFAULT_CACHE_DIR)


@dataclass(frozen=True)
class Dataset:
    frame: pd.DataFrame
    meta: dict


class Store:
    """A cache folder. Cheap to create; touches the disk only when asked."""

    def __init__(self, root: Path | str | None = None, *, lock_timeout: float = LOCK_WAIT):
        self.root = Path(root) if root is not None else cache_dir_from_env()
        self.lock_timeout = lock_timeout

    # ---- where the published files are ----------------------------------------------------
    def _manifest(self) -> dict:
        """The published manifest: ``version``, ``datasets`` (entity → file), ``previous`` and
        ``trusted``. Without a manifest: the root files of a cache from before manifests. With
        one that cannot be read: each entity's newest readable file in ``versions/``, and
        ``trusted`` false, so that nothing is cleaned up until a commit writes a good one."""
        path = self.root / MANIFEST
        try:
            body = path.read_bytes()
        except FileNotFoundError:
            if any((self.root / VERSIONS).glob("v*")):  # lost, not a cache from before it
                logger.warning("cachens manifest %s saknas; de senaste filerna används", path)
                return self._recovered()
            return self._legacy()
        except NotADirectoryError:
            return {**self._legacy(), "trusted": False}
        except OSError as e:
            logger.warning("cachens manifest %s går inte att läsa (%s)", path, os_error_text(e))
            return self._recovered()
        try:
            manifest = _parse_manifest(json.loads(body.decode("utf-8")))
        except (ValueError, KeyError, TypeError, AttributeError) as e:  # UnicodeError included
            logger.warning(
                "cachens manifest %s är skadat (%s); de senaste filerna används", path, e
            )
            return self._recovered()
        missing = [f for f in manifest["datasets"].values() if not (self.root / f).is_file()]
        if missing:
            logger.warning(
                "cachens manifest %s nämner filer som saknas: %s", path, ", ".join(missing)
            )
            return self._recovered()
        return manifest

    def _legacy(self) -> dict:
        datasets = {e: f"{e}.parquet" for e in ENTITIES if (self.root / f"{e}.parquet").is_file()}
        return {"version": "", "datasets": datasets, "previous": {}, "files": {}, "trusted": True}

    def _recovered(self) -> dict:
        """For a lost manifest: each entity's newest file (versions/, newest first, then the
        root) that matches its folder's checksums (or, in a folder from before checksums,
        whose footer can be read)."""
        folders = sorted(
            (f for f in (self.root / VERSIONS).glob("v*") if f.is_dir()),
            key=lambda f: f.stat().st_mtime_ns,
            reverse=True,
        )
        datasets, files = {}, {}
        for entity in ENTITIES:
            for folder in [*folders, self.root]:
                candidate = folder / f"{entity}.parquet"
                if not candidate.is_file():
                    continue
                name = candidate.relative_to(self.root).as_posix()
                entry = _folder_checksums(folder).get(candidate.name)
                if entry is not None and not _matches(candidate, entry):
                    continue
                if entry is None and not _readable(candidate):
                    continue
                datasets[entity] = name
                if entry is not None:
                    files[name] = entry
                break
        return {
            "version": "recovered",
            "datasets": datasets,
            "previous": {},
            "files": files,
            "trusted": False,
        }

    def path(self, entity: str) -> Path:
        """The published file of ``entity`` (it may not exist)."""
        _check_entity(entity)
        name = self._manifest()["datasets"].get(entity, f"{entity}.parquet")
        return self.root / name

    def stamp(self) -> tuple:
        """Changes whenever a commit is published (for cache keys in the app)."""
        try:
            stat = (self.root / MANIFEST).stat()
            return (stat.st_mtime_ns, stat.st_ino, stat.st_size)
        except OSError:
            return tuple(
                self.path(e).stat().st_mtime_ns if self.path(e).exists() else 0 for e in ENTITIES
            )

    # ---- locks -----------------------------------------------------------------------------
    @contextmanager
    def refresh_lock(self, timeout: float | None = None) -> Iterator[None]:
        """Held for a whole refresh (and its commit), so two writers never interleave (across
        processes). Readers never take it."""
        _make_dir(self.root)
        lock = FileLock(
            self.root / ".refresh.lock", timeout=self.lock_timeout if timeout is None else timeout
        )
        try:
            with lock:
                yield
        except Timeout:
            raise Busy(
                f"En annan uppdatering av {self.root} pågår fortfarande; försök igen senare."
            ) from None

    # ---- read ------------------------------------------------------------------------------
    def exists(self, entity: str) -> bool:
        return self.path(entity).exists()

    def meta(self, entity: str) -> dict:
        """The provenance of a dataset, or {} when it is not cached or cannot be read."""
        path = self.path(entity)
        if str(path) in _DAMAGED:
            return {}
        try:
            return _provenance(pq.read_schema(path))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, pa.ArrowException) as e:
            logger.warning("cachad %s (%s) går inte att läsa: %s", entity, path, e)
            return {}

    def health(self, entity: str, *, deep: bool = False) -> str:
        """'saknas' (not cached), 'skadad' (cannot be parsed) or 'ok'. Checks the file's footer,
        or with ``deep`` reads it whole; a file a reader found damaged stays 'skadad'."""
        path = self.path(entity)
        if not path.exists():
            return "saknas"
        if str(path) in _DAMAGED:
            return "skadad"
        manifest = self._manifest()
        entry = manifest.get("files", {}).get(path.relative_to(self.root).as_posix())
        if entry is not None and not _matches(path, entry):
            _DAMAGED.add(str(path))
            return "skadad"
        if deep:
            return "ok" if self.read(entity) is not None and str(path) not in _DAMAGED else "skadad"
        return "ok" if _readable(path) else "skadad"

    def damaged(self) -> list[str]:
        """The published files found damaged (checksum or content), relative to the root."""
        out = []
        for entity in ENTITIES:
            path = self.path(entity)
            if path.exists() and self.health(entity) == "skadad":
                out.append(path.relative_to(self.root).as_posix())
        return out

    def read(
        self, entity: str, *, filters: list | None = None, columns: list | None = None
    ) -> Dataset | None:
        """A cached dataset with its provenance, or None when it is not cached (or damaged)."""
        self.path(entity)  # checks the name
        for attempt in range(3):
            try:
                return self._load(self._manifest(), entity, filters, columns, strict=False)
            except _Vanished:
                logger.info("cachad %s byttes ut medan den lästes (försök %d)", entity, attempt)
        return None

    def read_all(self, *, strict: bool = False) -> dict[str, Dataset]:
        """Every cached dataset, read from one manifest: one consistent set. A damaged file is
        left out. An error of the disk or the system (permissions, I/O, too many open files) is
        left out too, or with ``strict`` (a refresh, which must not take it for missing data)
        raised."""
        for attempt in range(3):
            manifest = self._manifest()
            try:
                loaded = {e: self._load(manifest, e, strict=strict) for e in ENTITIES}
            except _Vanished:
                logger.info("cachen byttes ut medan den lästes (försök %d)", attempt)
                continue
            return {entity: data for entity, data in loaded.items() if data is not None}
        return {}

    def _load(
        self, manifest: dict, entity: str, filters=None, columns=None, *, strict: bool
    ) -> Dataset | None:
        """The entity's published file; when it is damaged (checksum or content), the
        previous kept set's file of the same entity, which is verified too."""
        name = manifest["datasets"].get(entity)
        if name is None:
            return None
        data = self._load_file(manifest, entity, name, filters, columns, strict=strict)
        if data is not None or str(self.root / name) not in _DAMAGED:
            return data
        previous = manifest["previous"].get(entity)
        if previous is None or previous == name or not (self.root / previous).is_file():
            return None
        logger.warning("cachad %s: %s är skadad, den föregående %s läses", entity, name, previous)
        return self._load_file(manifest, entity, previous, filters, columns, strict=strict)

    def _load_file(
        self, manifest: dict, entity: str, name: str, filters, columns, *, strict: bool
    ) -> Dataset | None:
        path = self.root / name
        entry = manifest.get("files", {}).get(name)
        if entry is not None and path.is_file() and not _matches(path, entry):
            _DAMAGED.add(str(path))
            logger.warning(
                "cachad %s (%s) stämmer inte med sin kontrollsumma: skadad", entity, path
            )
            return None
        try:
            table = pq.read_table(path, filters=filters, columns=columns)
            meta = _provenance(table.schema)
        except FileNotFoundError:
            if manifest["version"]:  # a newer commit removed it: read the new manifest
                raise _Vanished from None
            return None
        except OSError as e:
            if e.errno is not None:  # the system's error, not the file's content
                if strict:
                    raise
                logger.warning(
                    "cachad %s (%s) går inte att läsa just nu: %s", entity, path, os_error_text(e)
                )
                return None
            _DAMAGED.add(str(path))
            logger.warning("cachad %s (%s) är skadad och räknas som saknad: %s", entity, path, e)
            return None
        except (ValueError, pa.ArrowException) as e:
            _DAMAGED.add(str(path))
            logger.warning("cachad %s (%s) är skadad och räknas som saknad: %s", entity, path, e)
            return None
        return Dataset(table.to_pandas(), meta)

    def known_ids(self, entity: str) -> set[str] | None:
        """The ids in a cached metadata dataset (``kpis`` or ``municipalities``), None if absent."""
        data = self.read(entity, columns=["id"])
        return set(data.frame["id"]) if data else None

    def values(
        self,
        kpis: list[str] | None = None,
        municipalities: list[str] | None = None,
        years: tuple[int, int] | None = None,
    ) -> pd.DataFrame:
        """Cached values filtered at read time (empty frame when nothing is cached).

        Ids are checked against their patterns and, where the metadata is cached, against the
        KPIs and municipalities Kolada knows: a bad or unknown id is a ``BadInput`` naming it.
        ``years`` is (first, last); first after last is a ``BadInput``.
        """
        filters = []
        if kpis is not None:
            kpis = validate_kpi_ids(kpis)
            known = self.known_ids("kpis")
            if known is not None:
                require_known(kpis, known, "nyckeltal")
            filters.append(("kpi", "in", kpis))
        if municipalities is not None:
            municipalities = validate_municipality_ids(municipalities, allow_groups=False)
            known = self.known_ids("municipalities")
            if known is not None:
                require_known(municipalities, known, "kommun-id")
            filters.append(("municipality", "in", municipalities))
        if years:
            first, last = validate_years([years[0]])[0], validate_years([years[1]])[0]
            if first > last:
                raise BadInput(f"Startåret {first} ligger efter slutåret {last}.")
            filters += [("period", ">=", first), ("period", "<=", last)]
        data = self.read("values", filters=filters or None)
        return data.frame if data else pd.DataFrame()

    # ---- the last refresh's outcome (for the app's banner) -----------------------------------
    def record_refresh(self, ok: bool, message: str, at: str) -> None:
        """Note how the latest refresh ended, in ``last_refresh.json`` (atomic; never touches
        the datasets)."""
        _make_dir(self.root)
        body = json.dumps({"ok": ok, "message": message, "at": at}, ensure_ascii=False)
        _write_atomic(self.root / "last_refresh.json", body.encode("utf-8"))

    def last_refresh(self) -> dict | None:
        path = self.root / "last_refresh.json"
        try:
            last = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return last if isinstance(last, dict) else None

    # ---- write (under refresh_lock) -----------------------------------------------------------
    def commit(self, datasets: dict[str, Dataset]) -> None:
        """Write several datasets and publish them as one unit: either all or none change."""
        old = self._manifest()  # before the new folder exists (a lost manifest reads folders)
        _make_dir(self.root / VERSIONS)
        folder = Path(tempfile.mkdtemp(prefix="v", dir=self.root / VERSIONS))
        try:
            _apply_umask(folder, directory=True)
            sums = {}
            for entity, data in datasets.items():
                _check_entity(entity)  # not self.path: the new folder is no lost manifest
                _write_parquet(folder / f"{entity}.parquet", data)
                sums[f"{entity}.parquet"] = _checksum(folder / f"{entity}.parquet")
            _write_atomic(folder / CHECKSUMS, json.dumps(sums, indent=1).encode("utf-8"))
            _fsync_dir(folder)
            version = folder.relative_to(self.root).as_posix()
            published = {**old["datasets"], **{e: f"{version}/{e}.parquet" for e in datasets}}
            previous = old["datasets"] if old["trusted"] else {}
            manifest = {
                "format": FORMAT,
                "version": version,
                "datasets": published,
                "previous": previous,
                "files": self._files_of(
                    old, version, sums, [*published.values(), *previous.values()]
                ),
            }
            body = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
            _write_atomic(self.root / MANIFEST, body)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        try:  # published: a failed clean-up only leaves files for the next refresh
            self.remove_leftovers()
        except OSError as e:
            logger.warning("städningen av %s misslyckades: %s", self.root, os_error_text(e))

    def _files_of(self, old: dict, version: str, sums: dict, names: list[str]) -> dict:
        """The checksums of ``names``: the new folder's, the old manifest's, or computed now
        for a file from before checksums."""
        out = {}
        for name in dict.fromkeys(names):
            folder, _, file = name.rpartition("/")
            if folder == version:
                out[name] = sums[file]
            elif name in old.get("files", {}):
                out[name] = old["files"][name]
            elif (self.root / name).is_file():
                out[name] = _checksum(self.root / name)
        return out

    def heal(self) -> list[str]:
        """Under ``refresh_lock``: write a good manifest again if it was lost (from the newest
        readable files), then ``remove_leftovers``."""
        manifest = self._manifest()
        if not manifest["trusted"] and (self.root / VERSIONS).is_dir():
            body = {
                "format": FORMAT,
                "version": "recovered",
                "datasets": manifest["datasets"],
                "previous": {},
                "files": manifest["files"],
            }
            _write_atomic(self.root / MANIFEST, json.dumps(body, indent=1).encode("utf-8"))
            logger.warning(
                "manifestet i %s skrevs om från de senaste kontrollerade filerna", self.root
            )
            # nothing is deleted now: the next commit's manifest says what is unused
            return [t.name for t in self._remove_temp_files()]
        return self.remove_leftovers()

    def remove_leftovers(self) -> list[str]:
        """Delete what no manifest needs: temp files of a killed writer, unfinished or
        superseded version folders, root files of the pre-manifest layout. Call it only while
        holding ``refresh_lock``. Returns what was removed (relative paths)."""
        manifest = self._manifest()
        removed = [t.name for t in self._remove_temp_files()]
        if not manifest["trusted"]:
            return removed  # nothing else is removed until a commit writes a good manifest
        keep = {*manifest["datasets"].values(), *manifest["previous"].values()}
        keep_dirs = {PurePosixPath(f).parent.as_posix() for f in keep}
        for folder in sorted((self.root / VERSIONS).glob("*")):
            if folder.relative_to(self.root).as_posix() not in keep_dirs:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder.relative_to(self.root).as_posix())
        if manifest["version"]:
            for entity in ENTITIES:
                name = f"{entity}.parquet"
                if name not in keep and (self.root / name).is_file():
                    (self.root / name).unlink()
                    removed.append(name)
        if removed:
            logger.info("tog bort rester i %s: %s", self.root, ", ".join(removed))
        return removed

    def _remove_temp_files(self) -> list[Path]:
        """Temp files of a killed writer (not a fresh ``last_refresh`` being written)."""
        removed = []
        for temp in self.root.glob(".*.tmp"):
            if temp.name.startswith(".last_refresh.") and _age(temp) < 60:
                continue  # being written by a failing process outside the lock
            temp.unlink(missing_ok=True)
            removed.append(temp)
        return removed


class _Vanished(Exception):
    """A published file disappeared between reading the manifest and opening it."""


def _read_umask() -> int:
    """The process's umask, read once at import (setting it to read it is not thread-safe)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()
_DAMAGED: set[str] = set()  # files a reader could not parse (this process)


def _check_entity(entity: str) -> None:
    if entity not in ENTITIES:
        raise BadInput(f"Okänd datamängd {entity!r}: välj bland {', '.join(ENTITIES)}.")


def _apply_umask(path: Path, *, directory: bool = False) -> None:
    """Permissions as a plain ``open``/``mkdir`` would give (mkstemp/mkdtemp give 0600/0700)."""
    os.chmod(path, (0o777 if directory else 0o666) & ~_UMASK)


def _readable(path: Path) -> bool:
    """The Parquet footer can be read."""
    try:
        pq.ParquetFile(path).close()
    except (OSError, ValueError, pa.ArrowException):
        return False
    return True


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _parse_manifest(raw: object) -> dict:
    """A manifest's fields, checked; entities we do not know are ignored."""
    if not isinstance(raw, dict) or not isinstance(raw.get("version"), str):
        raise ValueError("no version")

    def files(entries: object) -> dict[str, str]:
        if not isinstance(entries, dict):
            raise ValueError("not a mapping")
        out = {e: f for e, f in entries.items() if e in ENTITIES}
        if not all(isinstance(f, str) and _PUBLISHED.fullmatch(f) for f in out.values()):
            raise ValueError("unexpected file name")
        return out

    return {
        "version": raw["version"],
        "datasets": files(raw["datasets"]),
        "previous": files(raw.get("previous", {})),
        "files": _sums(raw.get("files", {})),
        "trusted": True,
    }


def _sums(raw: object) -> dict[str, dict]:
    """The recorded size and SHA-256 of each file (format 2; {} before it)."""
    if not isinstance(raw, dict):
        raise ValueError("files is not a mapping")
    out = {}
    for name, entry in raw.items():
        if not (
            isinstance(name, str)
            and isinstance(entry, dict)
            and isinstance(entry.get("size"), int)
            and isinstance(entry.get("sha256"), str)
            and re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
        ):
            raise ValueError(f"bad checksum entry for {name!r}")
        out[name] = {"size": entry["size"], "sha256": entry["sha256"]}
    return out


def _checksum(path: Path) -> dict:
    """A file's size and SHA-256."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


_VERIFIED: dict[tuple, bool] = {}  # (path, size, mtime_ns, sha256) → matches (this process)


def _matches(path: Path, entry: dict) -> bool:
    """The file has the recorded size and SHA-256 (hashed once per process per version of the
    file: its size and mtime)."""
    try:
        stat = path.stat()
    except OSError:
        return False
    if stat.st_size != entry["size"]:
        return False
    key = (str(path), stat.st_size, stat.st_mtime_ns, entry["sha256"])
    if key not in _VERIFIED:
        try:
            _VERIFIED[key] = _checksum(path)["sha256"] == entry["sha256"]
        except OSError:
            return False
    return _VERIFIED[key]


def _folder_checksums(folder: Path) -> dict[str, dict]:
    """A version folder's own record of its files ({} when absent or unreadable)."""
    try:
        return _sums(json.loads((folder / CHECKSUMS).read_bytes().decode("utf-8")))
    except (OSError, ValueError, UnicodeError):
        return {}


def _make_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)


def _write_parquet(path: Path, data: Dataset) -> None:
    table = pa.Table.from_pandas(data.frame, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata[META_KEY] = json.dumps(data.meta, ensure_ascii=False, sort_keys=True).encode()
    table = table.replace_schema_metadata(metadata)
    with path.open("wb") as fh:
        pq.write_table(table, fh, compression="zstd")
        fh.flush()
        os.fsync(fh.fileno())
    _apply_umask(path)


def _write_atomic(path: Path, body: bytes) -> None:
    """Replace ``path`` by ``body``: temp file in the same folder, fsync, rename, fsync folder."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        _apply_umask(Path(temp))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _provenance(schema: pa.Schema) -> dict:
    raw = (schema.metadata or {}).get(META_KEY)
    return json.loads(raw) if raw else {}


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # not possible on every platform
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
