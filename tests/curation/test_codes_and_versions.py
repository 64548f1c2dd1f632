"""Curation services on the store: item editing, version life cycle, differences."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from registry import audit
from registry.audit import AuditContext
from registry.auth import Principal
from registry.curation import codes, versioning
from registry.curation.diff import diff
from registry.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from registry.sdmx.model import Annotation
from registry.sdmx.refs import ArtefactType, Ref
from registry.store import artefacts as store
from registry.store import migrate
from registry.store.db import Database
from tests.auth.helpers import codelist, concept_scheme, dsd

CUR = Principal.of("cur", [("curator", "IDAC")])
CTX = AuditContext("cur", "127.0.0.1", "r1")
REF = Ref(ArtefactType.CODELIST, "IDAC", "CL_TEST", "1.0")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    migrate.upgrade(database.engine)
    with database.transaction() as s:
        store.save(s, [codelist()])
    yield database
    database.dispose()


def ids(db: Database, ref: Ref = REF) -> list[tuple[str, str | None]]:
    with db.transaction() as s:
        return [(i.id, i.parent) for i in store.get(s, ref).items]  # type: ignore[attr-defined]


def test_add_reorder_reparent_rename_remove(db: Database) -> None:
    with db.transaction() as s:
        codes.add_code(s, REF, "D", names={"en": "Dee"}, parent="A", principal=CUR, ctx=CTX)
        codes.add_code(s, REF, "_T", names={"en": "Total"}, position=0, principal=CUR, ctx=CTX)
        codes.move_code(s, REF, "C", 1, principal=CUR, ctx=CTX)
        codes.reparent_code(s, REF, "B", "A", principal=CUR, ctx=CTX)
        codes.rename_code(
            s,
            REF,
            "A",
            names={"es": "Código A", "en": None, "fr": "Code A"},
            principal=CUR,
            ctx=CTX,
        )
        codes.remove_code(s, REF, "C", principal=CUR, ctx=CTX)
    assert ids(db) == [("_T", None), ("A", None), ("B", "A"), ("D", "A")]
    with db.transaction() as s:
        a = store.get(s, REF).item_map()["A"]  # type: ignore[attr-defined]
        assert a.names == {"es": "Código A", "fr": "Code A"}
        entries = audit.query(s, actor="cur", newest_first=False)
        assert [e.action for e in entries] == [
            "code.add",
            "code.add",
            "code.reorder",
            "code.reparent",
            "code.rename",
            "code.remove",
        ]
        assert all(e.target == str(REF) and e.request_id == "r1" for e in entries)
        # Every edit is a new state in history.
        assert len(store.history(s, REF)) == 7


def test_edit_errors(db: Database) -> None:
    with db.transaction() as s:
        with pytest.raises(Conflict, match="already has a code"):
            codes.add_code(s, REF, "A", names={"en": "x"}, principal=CUR, ctx=CTX)
        with pytest.raises(NotFound):
            codes.add_code(s, REF, "X", names={"en": "x"}, parent="NOPE", principal=CUR, ctx=CTX)
        with pytest.raises(Unprocessable):
            codes.add_code(s, REF, "bad id", names={"en": "x"}, principal=CUR, ctx=CTX)
        with pytest.raises(Unprocessable):
            codes.add_code(s, REF, "X", names={}, principal=CUR, ctx=CTX)
        with pytest.raises(Unprocessable, match="language"):
            codes.rename_code(s, REF, "A", names={"not a lang!": "x"}, principal=CUR, ctx=CTX)
        with pytest.raises(Unprocessable, match="keep a name"):
            codes.rename_code(s, REF, "A", names={"en": None}, principal=CUR, ctx=CTX)
        codes.reparent_code(s, REF, "B", "A", principal=CUR, ctx=CTX)
        with pytest.raises(Conflict, match="cycle"):
            codes.reparent_code(s, REF, "A", "B", principal=CUR, ctx=CTX)
        with pytest.raises(Conflict, match="parent of B"):
            codes.remove_code(s, REF, "A", principal=CUR, ctx=CTX)
        with pytest.raises(NotFound):
            codes.move_code(
                s, Ref(ArtefactType.CODELIST, "IDAC", "NOPE", "1.0"), "A", 0, principal=CUR, ctx=CTX
            )


def test_permissions(db: Database) -> None:
    with db.transaction() as s:
        with pytest.raises(Unauthorized):
            codes.add_code(s, REF, "X", names={"en": "x"}, principal=Principal.anonymous(), ctx=CTX)
        with pytest.raises(Forbidden):
            codes.deprecate_code(
                s, REF, "A", principal=Principal.of("e", [("curator", "ECB")]), ctx=CTX
            )
        with pytest.raises(Forbidden):
            versioning.next_version(
                s, REF, principal=Principal.of("p", [("submitter", "PAN_SNM")]), ctx=CTX
            )


def test_final_codelists_allow_renames_and_deprecation_only(db: Database) -> None:
    with db.transaction() as s:
        versioning.finalise(s, REF, principal=CUR, ctx=CTX)
        for edit in (
            lambda: codes.add_code(s, REF, "X", names={"en": "x"}, principal=CUR, ctx=CTX),
            lambda: codes.move_code(s, REF, "C", 0, principal=CUR, ctx=CTX),
            lambda: codes.reparent_code(s, REF, "B", "A", principal=CUR, ctx=CTX),
            lambda: codes.remove_code(s, REF, "C", principal=CUR, ctx=CTX),
        ):
            with pytest.raises(Conflict, match="next-version"):
                edit()
        codes.rename_code(s, REF, "A", names={"es": "A en español"}, principal=CUR, ctx=CTX)
        cl = codes.deprecate_code(
            s, REF, "C", reason={"en": "merged into B"}, replaced_by="B", principal=CUR, ctx=CTX
        )
        c = cl.item_map()["C"]
        assert codes.is_deprecated(c)
        assert c.annotations[-1].title == "B"
        assert store.get(s, REF).is_final


def test_next_version_and_finalise(db: Database) -> None:
    with db.transaction() as s:
        versioning.finalise(s, REF, principal=CUR, ctx=CTX)
        assert versioning.finalise(s, REF, principal=CUR, ctx=CTX).is_final  # idempotent
        new = versioning.next_version(s, REF, principal=CUR, ctx=CTX)
        assert new.version == "1.1"
        assert not new.is_final
        codes.add_code(s, new.ref, "D", names={"en": "Dee"}, principal=CUR, ctx=CTX)
        with pytest.raises(Conflict, match="already exists"):
            versioning.next_version(s, REF, principal=CUR, ctx=CTX)
        with pytest.raises(Conflict, match="must come after"):
            versioning.next_version(s, REF, version="0.9", principal=CUR, ctx=CTX)
        assert (
            versioning.next_version(s, new.ref, version="2.0.0", principal=CUR, ctx=CTX).version
            == "2.0.0"
        )
        assert [i.id for i in store.get(s, REF).items] == ["A", "B", "C"]  # type: ignore[attr-defined]
        # "latest" orders version strings (1.0 < 1.1 < 2.0.0); the old versions stay served.
        assert (
            store.resolve(s, Ref(ArtefactType.CODELIST, "IDAC", "CL_TEST", "latest")).version
            == "2.0.0"
        )
        assert [i.id for i in store.get(s, new.ref).items] == ["A", "B", "C", "D"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("old", "new"), [("1.0", "1.1"), ("1", "2"), ("1.2.3", "1.3.0"), ("2.0.0-draft", "2.1.0")]
)
def test_bump(old: str, new: str) -> None:
    assert versioning.bump(old) == new


def test_finalise_refuses_references_to_drafts(db: Database) -> None:
    with db.transaction() as s:
        cl = store.get(s, REF)
        cs = concept_scheme(cl=cl)  # type: ignore[arg-type]
        store.save(s, [cs])
        with pytest.raises(Conflict, match="draft"):
            versioning.finalise(s, cs.ref, principal=CUR, ctx=CTX)
        versioning.finalise(s, REF, principal=CUR, ctx=CTX)
        assert versioning.finalise(s, cs.ref, principal=CUR, ctx=CTX).is_final


def test_diff_of_codelists() -> None:
    old = codelist(codes=("A", "B", "C"))
    new = codelist(version="1.1", codes=("C", "A", "D"))
    new.items[1].names = {"en": "Renamed A", "es": "A"}
    new.items[0].parent = "A"
    new.items[0].annotations = [Annotation(type=codes.DEPRECATED)]
    d = diff(old, new).as_dict()
    assert d["items"]["added"] == ["D"]
    assert d["items"]["removed"] == ["B"]
    assert {(r["id"], r["lang"]) for r in d["items"]["renamed"]} == {("A", "en"), ("A", "es")}
    assert d["items"]["reparented"] == [{"id": "C", "from": None, "to": "A"}]
    assert d["items"]["reordered"] is True
    assert d["items"]["deprecated"] == ["C"]
    assert d["properties"] == {}
    assert diff(old, old).is_empty


def test_diff_of_data_structures() -> None:
    cl = codelist()
    cl2 = codelist("CL_OTHER")
    cs = concept_scheme(cl=cl)
    old = dsd(cl, cs)
    new = dsd(cl2, cs, version="1.1")
    new.dimensions.pop()  # TIME_PERIOD removed
    d = diff(old, new).as_dict()
    assert d["components"]["removed"] == [{"id": "TIME_PERIOD", "kind": "dimension"}]
    changed = d["components"]["changed"]
    assert changed[0]["id"] == "FREQ"
    assert "local_representation" in changed[0]["fields"]
    assert "Codelist=IDAC:CL_OTHER(1.0)" in str(changed[0]["fields"])
