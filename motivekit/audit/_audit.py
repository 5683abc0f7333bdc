"""``kit.audit`` and ``kit.privacy``: checkpoints, proofs, verification and erasure."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

import attrs

from motivekit._entries import erasure_draft
from motivekit._errors import AuditError, ConfigError, InvalidInput, InvalidProof, MissingEntry
from motivekit._model import check_name
from motivekit._runtime import Core
from motivekit._time import Clock
from motivekit.audit._bundle import ProofBundle
from motivekit.audit._checkpoint import Checkpoint, GuardedSigner, StaleCheckpoint
from motivekit.audit._export import PrivacyExport, build_export
from motivekit.audit._log import LogWriter, head_root, read_nodes
from motivekit.audit._merkle import consistency_proof, inclusion_proof
from motivekit.audit._note import NoteVerifier, Signer
from motivekit.audit._verify import Progress, SignedCheckpoint, VerifyReport, verify_log
from motivekit.store._protocol import Session, Store, StoredCheckpoint

__all__ = ["Audit", "Erasure", "Privacy", "PrivacyExport"]

log = logging.getLogger("motivekit.audit")


def _guarded(signer: Signer | GuardedSigner) -> GuardedSigner:
    return signer if isinstance(signer, GuardedSigner) else GuardedSigner(signer)


class Audit:
    """``kit.audit``: the signed, tamper-evident log over the journal."""

    def __init__(
        self,
        store: Store,
        writer: LogWriter,
        clock: Clock,
        *,
        origin: str,
        signers: Iterable[Signer | GuardedSigner] = (),
        every: int | None = 1000,
        interval: float | None = None,
    ) -> None:
        if not isinstance(origin, str) or not origin or not origin.isprintable():
            raise ConfigError(f"origin must be a non-empty printable string, got {origin!r}")
        if every is not None and (
            isinstance(every, bool) or not isinstance(every, int) or every < 1
        ):
            raise ConfigError(
                f"checkpoint_every must be a whole number >= 1 or None, got {every!r}"
            )
        if interval is not None and (not isinstance(interval, (int, float)) or interval <= 0):
            raise ConfigError(f"checkpoint_interval must be seconds > 0 or None, got {interval!r}")
        self._store = store
        self._writer = writer
        self._clock = clock
        self.origin = origin
        self.signers = [_guarded(s) for s in signers]
        self._every = every
        self._interval = interval
        self._last: tuple[int, datetime | None] | None = None

    @property
    def verifiers(self) -> list[NoteVerifier]:
        """The verifier keys of this Kit's signers."""
        return [NoteVerifier(g.signer.name, g.signer.public_key) for g in self.signers]

    # -- checkpoints ------------------------------------------------------------------------

    def checkpoint(self) -> SignedCheckpoint:
        """Sign and store a checkpoint of the log as it is now, with every signer."""
        if not self.signers:
            raise ConfigError(
                "no signer configured: open the Kit with "
                "signers=[Ed25519Signer.from_file('log.key')] (create one with "
                "`motivekit audit keygen`)"
            )
        for _ in range(3):
            try:
                return self._sign_head()
            except StaleCheckpoint:
                continue  # another writer signed a newer head meanwhile: sign the current one
        return self._sign_head()

    def _sign_head(self) -> SignedCheckpoint:
        with self._store.reading() as session:
            self._check_origin(session)
            size, root = head_root(session)
            checkpoint = Checkpoint(self.origin, size, root, self._clock())

            def prove(old_size: int) -> list[bytes]:
                if old_size > size:
                    return []
                return consistency_proof(old_size, size, lambda n: read_nodes(session, n))

            signatures = [g.sign(checkpoint, prove) for g in self.signers]
        note = checkpoint.body() + "\n" + "".join(s.line() for s in signatures)
        with self._store.writing() as session:
            session.add_checkpoint(StoredCheckpoint(size, note, checkpoint.time or self._clock()))
        self._last = (size, checkpoint.time)
        return SignedCheckpoint(checkpoint, note)

    def _check_origin(self, session: Session) -> None:
        stored = session.checkpoints()
        if stored:
            origin = SignedCheckpoint.parse(stored[-1].note).checkpoint.origin
            if origin != self.origin:
                raise ConfigError(
                    f"this log's checkpoints name the origin {origin!r}; open the Kit with "
                    f"origin={origin!r} (each log keeps one origin)"
                )

    def after_write(self) -> None:
        """Sign a checkpoint if the configured number of entries or seconds has passed."""
        if not self.signers or (self._every is None and self._interval is None):
            return
        size = self._writer.size
        if size is None:
            return
        if self._last is None:
            latest = self.latest()
            self._last = (
                (0, None) if latest is None else (latest.checkpoint.size, latest.checkpoint.time)
            )
        last_size, last_time = self._last
        due = self._every is not None and size - last_size >= self._every
        if not due and self._interval is not None and size > last_size:
            due = last_time is None or (self._clock() - last_time).total_seconds() >= self._interval
        if due:
            try:
                self.checkpoint()
            except Exception:
                # The write itself succeeded; a failed automatic checkpoint must not hide
                # that from the caller. It is logged loudly and retried on the next write.
                log.exception("automatic audit checkpoint failed")

    def latest(self) -> SignedCheckpoint | None:
        """The newest stored checkpoint (signatures not re-verified)."""
        with self._store.reading() as session:
            stored = session.checkpoints()
        return SignedCheckpoint.parse(stored[-1].note) if stored else None

    def checkpoints(self) -> list[SignedCheckpoint]:
        """Every stored checkpoint, oldest first."""
        with self._store.reading() as session:
            return [SignedCheckpoint.parse(c.note) for c in session.checkpoints()]

    def head(self) -> tuple[int, bytes]:
        """The log's current size and root hash (signed or not)."""
        with self._store.reading() as session:
            return head_root(session)

    # -- proofs -----------------------------------------------------------------------------

    def prove(self, seq: int, *, disclose: bool = False) -> ProofBundle:
        """A proof bundle for entry ``seq`` against the newest checkpoint that covers it.

        ``disclose=True`` includes the entry's salt and personal part (if not erased), so
        the recipient can check what it says about whom.
        """
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            raise InvalidInput(f"seq must be a journal sequence number >= 1, got {seq!r}")
        with self._store.reading() as session:
            size, _ = session.head()
            if seq > size:
                raise InvalidInput(f"there is no entry {seq}: the log holds {size} entries")
            covering = [c for c in session.checkpoints() if c.size >= seq]
            if not covering:
                raise InvalidProof(
                    f"no signed checkpoint covers entry {seq} yet; sign one with "
                    f"kit.audit.checkpoint() or `motivekit audit checkpoint`"
                )
            signed = SignedCheckpoint.parse(covering[-1].note)
            found = session.entries(seq - 1, 1)
            if not found or found[0].seq != seq:
                raise MissingEntry(f"entry {seq} is missing from the database")
            (entry,) = found
            path = inclusion_proof(
                seq - 1, signed.checkpoint.size, lambda nodes: read_nodes(session, nodes)
            )
        opening = entry.personal if disclose else None
        return ProofBundle(seq, entry.raw, tuple(path), signed, opening)

    def consistency(self, old_size: int, new_size: int) -> list[bytes]:
        """The proof that the log at ``old_size`` is a prefix of the log at ``new_size``."""
        with self._store.reading() as session:
            size, _ = session.head()
            if not 0 <= old_size <= new_size <= size:
                raise InvalidInput(
                    f"need 0 <= old_size <= new_size <= {size} (the log's size), "
                    f"got {old_size} and {new_size}"
                )
            return consistency_proof(old_size, new_size, lambda n: read_nodes(session, n))

    # -- verification -----------------------------------------------------------------------

    def verify(
        self,
        verifiers: Sequence[NoteVerifier] | None = None,
        *,
        state: str | os.PathLike[str] | None = None,
        origin: str | None = None,
        strict: bool = False,
        progress: Progress | None = None,
    ) -> VerifyReport:
        """Verify the whole log (see :func:`motivekit.audit.verify_log`).

        ``verifiers`` default to this Kit's own signers' keys; an auditor passes the keys
        they trust. ``origin``, when given, is the log every checkpoint must name (for a
        named tenant it defaults to the Kit's origin, so another tenant's checkpoint, pinned
        or stored, never verifies);
        ``strict`` also checks every entry's canonical form. With
        ``state``, the file's pinned checkpoint must be extended by the log (truncation and
        restored backups are caught); on success the pin moves forward to the newest
        verified checkpoint, never backwards.
        """
        keys = self.verifiers if verifiers is None else list(verifiers)
        if not keys:
            raise ConfigError("verify needs at least one trusted verifier key")
        path = None if state is None else Path(state)
        pinned = None if path is None else _read_pin(path)
        tenant: str = getattr(self._store, "tenant", "")
        if origin is None and tenant:
            origin = self.origin  # a named tenant's log: only its own checkpoints verify
        report = verify_log(self._store, keys, pinned, progress, origin=origin, strict=strict)
        latest = report.latest
        newer = latest is not None and (
            pinned is None or latest.checkpoint.size > pinned.checkpoint.size
        )
        if path is not None and latest is not None and newer:
            _write_pin(path, latest)
        return report


def _read_pin(path: Path) -> SignedCheckpoint | None:
    if not path.exists():
        if not path.parent.is_dir():
            raise ConfigError(f"state file directory {str(path.parent)!r} does not exist")
        return None
    try:
        text = path.read_text("utf-8")
        return SignedCheckpoint.parse(text)
    except (OSError, UnicodeDecodeError, AuditError) as exc:
        raise ConfigError(
            f"state file {str(path)!r} does not hold a signed checkpoint ({exc}); restore it "
            f"from your records, or delete it to pin afresh"
        ) from None


def _write_pin(path: Path, signed: SignedCheckpoint) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pinned-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(signed.note)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@attrs.frozen
class Erasure:
    """What ``forget`` erased."""

    entries: int
    """Journal entries whose personal part (salt and data) was deleted."""
    goals: int
    """Goals (with their progress) deleted."""
    seq: int
    """The erasure entry appended to the journal."""
    skills: int = 0
    """Skill states deleted (with the person's own challenge bands)."""
    impact_items: int = 0
    """Impact items of their feed deleted (in other people's stories they became
    "someone")."""


class Privacy:
    """``kit.privacy``: show a person everything held about them (:meth:`export`), or
    erase it by deleting their data and salts (:meth:`forget`, crypto-shredding)."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def export(self, user: str) -> PrivacyExport:
        """Everything motivekit holds about ``user``, as JSON to hand to them.

        Read in one snapshot: their goals in every state (why, if-then plan, progress this
        period and every day that counted), their skill states and own challenge bands,
        their consent choices beside the defaults, what impact holds (choices, referrer,
        identity link, contributions, their feed with its credits, the help they
        received, their parts in missions) and every journal entry about them with its
        personal part opened (and its salt, so the entry's commitment can be checked).
        Other people appear only as the person's own stories show them (see
        ``docs/privacy.md``). Whether the mechanics are switched on does not matter: the
        export shows what is stored.

        A user id motivekit holds nothing about (never seen, or forgotten) gives an
        export that :attr:`~PrivacyExport.empty` says is empty, not an error; a forgotten
        person's export says ``"erased": true``. An invalid ``user`` raises
        :class:`InvalidInput`, as :meth:`forget` does.
        """
        check_name(user, "user", InvalidInput, "pass the person's user id")
        runtime = self._core.runtime
        at = runtime.clock()
        with self._core.store.reading() as session:
            return build_export(session, runtime, user, at)

    def forget(self, user: str) -> Erasure:
        """Erase everything motivekit holds about ``user``.

        Deletes the personal part and salt of every journal entry about them (their leaf
        bytes stay, so every checkpoint still verifies, and without the salt a commitment
        can no longer be matched to a guessed value), their goals with progress, their
        skill states and bands, their impact feed and choices, their consent choices, then
        appends an erasure entry that names no one. In other people's impact stories they
        become "someone"; contributions they made stay in the attribution graph without an
        owner (credit passes through them to others). Item difficulties learned from their
        attempts are not personal and stay; the next replay no longer sees their erased
        entries, so what those entries made (attempts, contributions, help) is gone then.
        """
        check_name(user, "user", InvalidInput, "pass the person's user id")
        runtime, writer = self._core.runtime, self._core.writer
        at = runtime.clock()

        def work(session: Session) -> tuple[int, int, int, int, int]:
            entries = session.erase_personal(user)
            goals = session.delete_goals(user)
            skills = session.delete_skills(user)
            items = session.forget_impact(user)
            session.delete_consents(user)
            (entry,) = writer.append(session, [erasure_draft(at, runtime.version, entries)])
            return entries, goals, entry.seq, skills, items

        entries, goals, seq, skills, items = writer.run(work)
        self._core.store.scrub()
        return Erasure(entries, goals, seq, skills, items)
