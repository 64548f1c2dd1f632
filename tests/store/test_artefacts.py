"""The structural store's rules, on SQLite and (in CI) PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from registry.errors import Conflict, NotFound
from registry.sdmx import model as m
from registry.sdmx.refs import ArtefactType as T
from registry.sdmx.refs import Ref
from registry.store import artefacts as store
from registry.store import migrate
from registry.store.db import Database


@pytest.fixture
def db(db_url: str):
    database = Database(db_url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


def codelist(version: str = "1.0", final: bool = False, codes: tuple[str, ...] = ("A", "B"), name: str = "Freq") -> m.Codelist:
    return m.Codelist(
        agency="TEST", id="CL_FREQ", version=version, is_final=final, names={"en": name},
        items=[m.Code(c, names={"en": c}) for c in codes],
    )


def dataflow_and_dsd() -> list[m.MaintainableArtefact]:
    cl_ref = Ref(T.CODELIST, "TEST", "CL_FREQ", "1.0")
    dsd = m.DataStructure(
        agency="TEST", id="DSD", names={"en": "DSD"},
        dimensions=[m.Dimension("FREQ", local_representation=m.Representation(enumeration=cl_ref), position=1)],
    )
    flow = m.Dataflow(agency="TEST", id="FLOW", names={"en": "Flow"}, structure=dsd.ref)
    return [dsd, flow]


def test_save_and_get_round_trip(db: Database) -> None:
    with db.transaction() as s:
        results = store.save(s, [codelist()])
    assert [r.action for r in results] == ["created"]
    with db.transaction() as s:
        got = store.get(s, Ref(T.CODELIST, "TEST", "CL_FREQ", "1.0"))
    assert got == codelist()


def test_identical_resubmission_is_unchanged(db: Database) -> None:
    with db.transaction() as s:
        store.save(s, [codelist()])
        gen = store.generation(s)[0]
        assert [r.action for r in store.save(s, [codelist()])] == ["unchanged"]
        assert store.generation(s)[0] == gen


def test_unresolved_reference_is_refused(db: Database) -> None:
    with db.transaction() as s, pytest.raises(Conflict, match="CL_FREQ"):
        store.save(s, dataflow_and_dsd())


def test_references_resolve_within_the_same_submission(db: Database) -> None:
    with db.transaction() as s:
        store.save(s, [codelist(), *dataflow_and_dsd()])
        parents = store.referencing(s, Ref(T.CODELIST, "TEST", "CL_FREQ", "1.0"))
    assert parents == [Ref(T.DATA_STRUCTURE, "TEST", "DSD", "1.0")]


def test_delete_refused_while_referenced(db: Database) -> None:
    with db.transaction() as s:
        store.save(s, [codelist(), *dataflow_and_dsd()])
    with db.transaction() as s, pytest.raises(Conflict, match="referenced by"):
        store.remove(s, Ref(T.CODELIST, "TEST", "CL_FREQ", "1.0"))
    with db.transaction() as s:
        store.remove(s, Ref(T.DATAFLOW, "TEST", "FLOW", "1.0"))
        store.remove(s, Ref(T.DATA_STRUCTURE, "TEST", "DSD", "1.0"))
        store.remove(s, Ref(T.CODELIST, "TEST", "CL_FREQ", "1.0"))
    with db.transaction() as s, pytest.raises(NotFound):
        store.get(s, Ref(T.CODELIST, "TEST", "CL_FREQ", "1.0"))


def test_final_artefact_structure_is_frozen_but_names_may_change(db: Database) -> None:
    with db.transaction() as s:
        store.save(s, [codelist(final=True)])
    with db.transaction() as s, pytest.raises(Conflict, match="new version"):
        store.save(s, [codelist(final=True, codes=("A", "B", "C"))])
    with db.transaction() as s:
        assert store.save(s, [codelist(final=True, name="Frequency")])[0].action == "replaced"
        assert store.get(s, Ref(T.CODELIST, "TEST", "CL_FREQ", "1.0")).names == {"en": "Frequency"}


def test_draft_may_be_replaced_and_history_is_kept(db: Database) -> None:
    with db.transaction() as s:
        store.save(s, [codelist()])
    before = datetime.now(UTC)
    with db.transaction() as s:
        store.save(s, [codelist(codes=("A", "B", "C"))])
    ref = Ref(T.CODELIST, "TEST", "CL_FREQ", "1.0")
    with db.transaction() as s:
        hist = store.history(s, ref)
        assert [len(h.artefact.items) for h in hist] == [2, 3]
        old = store.find(s, [T.CODELIST], as_of=before)
        assert len(old) == 1 and len(old[0].artefact.items) == 2
        assert store.find(s, [T.CODELIST], as_of=before - timedelta(days=1)) == []


def test_latest_and_semantic_versions(db: Database) -> None:
    with db.transaction() as s:
        store.save(s, [codelist("1.0"), codelist("1.10"), codelist("1.9"), codelist("2.0.0-draft")])
        assert [a.artefact.version for a in store.find(s, [T.CODELIST], versions=["+"])] == ["1.10"]
        assert [a.artefact.version for a in store.find(s, [T.CODELIST], versions=["*"])] == ["1.0", "1.9", "1.10", "2.0.0-draft"]
        assert store.versions_of(s, T.CODELIST, "TEST", "CL_FREQ")[-1] == "2.0.0-draft"


def test_create_mode_refuses_existing(db: Database) -> None:
    with db.transaction() as s:
        store.save(s, [codelist()])
    with db.transaction() as s, pytest.raises(Conflict, match="already exists"):
        store.save(s, [codelist()], mode="create")


def test_failed_save_changes_nothing(db: Database) -> None:
    with pytest.raises(Conflict), db.transaction() as s:
        store.save(s, [codelist()])
        store.save(s, [codelist(final=True)])
        store.save(s, [codelist(final=True, codes=("Z",))])
    with db.transaction() as s:
        assert store.count(s) == {}
