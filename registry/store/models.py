"""ORM models of the structural store: artefacts, their items, and the reference graph.

History: an artefact is never updated in place.  A replacement closes the current row
(``superseded_at``) and inserts a new one, so ``asOf`` queries see the artefact as it was.  Exactly
one *current* row exists per (type, agency, id, version), enforced by a partial unique index that
both SQLite and PostgreSQL support.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from registry.store.base import Base, utcnow


class Artefact(Base):
    """One version of one maintainable artefact, as stored at one point in time."""

    __tablename__ = "artefact"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: ``ArtefactType`` member name, e.g. CODELIST.
    type: Mapped[str] = mapped_column(String(40))
    agency: Mapped[str] = mapped_column(String(100))
    resource_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(50))
    #: Sortable form of the version (see ``registry.sdmx.versions.sort_key``).
    version_key: Mapped[str] = mapped_column(String(120))
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: The artefact in the registry's canonical JSON form (``registry.store.codec``).
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: When this row became current (creation or replacement).
    valid_since: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: When this row stopped being current (replaced or deleted); NULL while current.
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    #: Who made this version current (user name or "system").
    actor: Mapped[str] = mapped_column(String(100), default="system")

    items: WriteOnlyMapped[ArtefactItem] = relationship(
        back_populates="artefact", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        Index(
            "uq_artefact_current",
            "type", "agency", "resource_id", "version",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
        Index("ix_artefact_lookup", "type", "resource_id", "agency"),
    )


class ArtefactItem(Base):
    """An item of a current item scheme (code, concept, …), for item queries and code look-ups."""

    __tablename__ = "artefact_item"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    artefact_pk: Mapped[int] = mapped_column(ForeignKey("artefact.pk", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(String(200), default=None)
    position: Mapped[int] = mapped_column(Integer)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    artefact: Mapped[Artefact] = relationship(back_populates="items")

    __table_args__ = (Index("ix_artefact_item_code", "artefact_pk", "item_id"),)


class ArtefactReference(Base):
    """An edge of the reference graph: a stored artefact row references an artefact by identity.

    Targets are identities, not rows: a reference may point to an artefact not (yet) stored, and
    survives the target's replacement.
    """

    __tablename__ = "artefact_reference"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_pk: Mapped[int] = mapped_column(ForeignKey("artefact.pk", ondelete="CASCADE"), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_agency: Mapped[str] = mapped_column(String(100))
    target_id: Mapped[str] = mapped_column(String(100))
    target_version: Mapped[str] = mapped_column(String(50))

    __table_args__ = (Index("ix_artefact_reference_target", "target_type", "target_id", "target_agency"),)


class StoreState(Base):
    """Single-row table holding a generation counter, bumped on every structural change.

    The structure API derives ETags from it, so a cached answer is revalidated with one cheap read.
    """

    __tablename__ = "store_state"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str | None] = mapped_column(Text, default=None)
