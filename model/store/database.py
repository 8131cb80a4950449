"""Opening a TanBao database, and the `Store` that other code uses: one connection, small repositories.

`open_database` is the one way in. Writing (`write=True`) takes the writer lock (`lock`), checks the file
after an unclean shutdown (`recovery`), backs it up and migrates it (`schema`), and loads the shipped plan
into a new file. Reading never creates, migrates or locks: a mistyped path says so instead of leaving an
empty database behind. All SQL lives in this package, in the repositories:

    store.figures      figures a unit entered               (figures.py)
    store.submissions  the unit's versions of a period      (submissions.py)
    store.received     packages the district kept           (submissions.py)
    store.audit        the append-only audit                (audit.py)
    store.trust        certificates the district trusts     (trust.py)
    store.evidence     files attached to a task             (evidence.py)
    store.profile      the unit and the report footer names (profile.py)
    store.plans        plans and coefficient tables         (plans.py)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from model.common.errors import UserError
from model.common.i18n import translate
from model.common.untrusted import shown
from model.plan.coefficients import load_shipped_coefficients
from model.plan.spec import load_shipped_plan
from model.safety.files import make_private
from model.store.audit import AuditRepository
from model.store.backup import MIGRATION, backup_now
from model.store.connection import Database, require_sqlite
from model.store.evidence import EvidenceRepository
from model.store.figures import FiguresRepository
from model.store.lock import LockInfo, WriterLock
from model.store.plans import PlansRepository
from model.store.profile import ProfileRepository
from model.store.recovery import DamagedDatabase, PendingCheck, take_writer_lock, take_writer_lock_check_later
from model.store.schema import MIGRATIONS, SCHEMA_VERSION, upgrade
from model.store.submissions import ReceivedRepository, SubmissionsRepository
from model.store.trust import TrustRepository


class Store:
    """One database file on one connection, used only by the thread that opened it."""

    def __init__(
        self,
        db: Database,
        *,
        lock: WriterLock | None = None,
        unclean_previous: LockInfo | None = None,
        startup_check: PendingCheck | None = None,
    ) -> None:
        self.db = db
        self.path = db.path
        self.lock = lock  # held while this store is open; released by close()
        self.unclean_previous = unclean_previous  # the writer before us did not exit cleanly
        self.startup_check = startup_check  # still running when opened with check_later
        self.audit = AuditRepository(db)
        self.submissions = SubmissionsRepository(db, self.audit)
        self.received = ReceivedRepository(db, self.audit)
        self.figures = FiguresRepository(db, self.audit, self.submissions)
        self.evidence = EvidenceRepository(db, self.audit, self.submissions)
        self.trust = TrustRepository(db, self.audit)
        self.profile = ProfileRepository(db, self.audit)
        self.plans = PlansRepository(db, self.audit)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several repository changes as one: all stored or none."""
        with self.db.transaction():
            yield

    def reopen(self) -> Store:
        """The same file on a connection of its own, for the thread that calls this (a background job).

        This store keeps the writer lock (this process holds it); nothing is checked or migrated again."""
        other = Store(Database(self.path, write=self.db.write, create=False))
        other.db.before_write = self.db.before_write
        other.plans.share_parsed(self.plans)
        return other

    def close(self) -> None:
        self.db.close()
        if self.lock is not None:  # a clean exit clears the "program running" marker; damage keeps it
            self.lock.release(clean=self.startup_check is None or self.startup_check.sound())

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_database(
    path: str | Path,
    *,
    write: bool,
    create: bool = False,
    lock: WriterLock | None = None,
    seed: bool = True,
    check_later: bool = False,
) -> Store:
    """Open a database file.

    `write`: this program writes; another copy is refused with `DatabaseInUse`, a file damaged by an unclean
    shutdown raises `DamagedDatabase`, an older schema is backed up and upgraded. `create` (with `write`):
    a missing file is made, with the shipped plan unless `seed=False`. Without `write` the file is only
    read: it must exist and have this program's schema. `lock`: a writer lock already taken.
    `check_later` (the window): after a clean exit the file is checked in the background while the
    program starts (`store.startup_check`); its first write waits for the verdict.
    """
    require_sqlite()  # before any file is made or locked
    path = Path(path)
    if create and not write:
        raise ValueError("a database is created only for writing")
    if not path.exists() and not create:
        raise UserError(
            translate(
                "store",
                "找不到数据库文件 {path}。请检查 --db 或 TANBAO_DB 给出的路径；要新建数据库，请运行 main.py init。",
            ).format(path=shown(path))
        )
    _refuse_an_empty_file(path)
    held, unclean, pending = None, None, None
    if write:
        if check_later:
            held, check, pending = take_writer_lock_check_later(path, lock)
        else:
            held, check = take_writer_lock(path, lock)
        unclean = check.previous if check is not None else None
    try:
        db = Database(path, write=write, create=create)
        try:
            _check_version(db, write=write)
            if pending is not None:
                db.before_write = pending.require_sound
                if db.user_version < SCHEMA_VERSION:  # an upgrade copies the file first: check it now
                    pending.require_sound()
            if write:
                migrate(db)
                for own in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    make_private(own)  # SQLite creates them with the umask's mode (0644)
            store = Store(db, lock=held, unclean_previous=unclean, startup_check=pending)
            if write and seed and store.plans.active_id() is None:
                store.plans.load_coefficients(load_shipped_coefficients(), who="system")
                store.plans.load(load_shipped_plan(), who="system")
            if write:
                store.plans.ensure_shipped_emission_factors(who="system")
        except BaseException:
            db.close()
            raise
    except BaseException as exc:
        # reading a damaged file may fail before the check running meanwhile says so: say what it found
        damage = exc if isinstance(exc, DamagedDatabase) else pending.damage() if pending else None
        if held is not None:  # damage keeps the marker: the next start checks the file first
            held.release(clean=damage is None)
        if damage is not None and damage is not exc:
            raise damage from exc
        raise
    return store


def _refuse_an_empty_file(path: Path) -> None:
    """A 0-byte file where the database should be is damage (a full disk, a copy cut short), never a
    new database: SQLite would silently start an empty one over it."""
    try:
        empty = path.stat().st_size == 0
    except OSError:
        return  # missing: a new database is made (or refused); unreadable: opening says why
    if empty:
        from model.store.recovery import DamagedDatabase, check_database

        raise DamagedDatabase(check_database(path))


def _check_version(db: Database, *, write: bool) -> None:
    current = db.user_version
    if current > SCHEMA_VERSION:
        raise UserError(
            translate(
                "store", "数据库 {path} 由更新版本的 TanBao 创建（结构版本 {v}），请升级程序后再打开。"
            ).format(path=shown(db.path), v=current)
        )
    if write or current == SCHEMA_VERSION:
        return
    if current == 0:
        raise UserError(
            translate("store", "{path} 不是 TanBao 数据库（或是空文件）。请检查 --db 给出的路径。").format(
                path=db.path
            )
        )
    raise UserError(
        translate(
            "store",
            "数据库 {path} 的结构版本较旧（{v}），查看前需要先升级：请运行 main.py init（升级前会自动备份）。",
        ).format(path=shown(db.path), v=current)
    )


def migrate(db: Database, upto: int = SCHEMA_VERSION) -> None:
    """Bring the schema up to `upto`, one transaction per migration; an existing file is backed up first."""
    current = db.user_version
    if 0 < current < upto:  # an existing file about to change shape: keep a copy first
        backup_now(db.path, MIGRATION)
    upgrade(db, upto, MIGRATIONS)
