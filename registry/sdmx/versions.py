"""Version ordering and version wildcards.

SDMX 2.1 versions are ``1.0`` style; SDMX 3.0 uses semantic versions ``MAJOR.MINOR.PATCH[-EXT]`` where
a version with an extension (``1.2.0-draft``) is not stable and sorts before ``1.2.0``.  SDMX-REST v2
adds wildcards (v2.2.2 ``versions`` parameter): ``*`` (all), ``~`` (the latest version whatever its status),
``+`` (the latest stable version; the latest of any status when none is stable) and ``+`` after a
component (``1.2+.0``: the latest stable version at or after 1.2.0 with the same major version).
v1's ``latest``/``all`` map to ``+``/``*``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from registry.errors import InvalidReference

_SEMVER = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.\-]+))?$")
_WILDCARD = re.compile(r"^(\d+\+?)(?:\.(\d+\+?))?(?:\.(\d+\+?))?$")


def sort_key(version: str) -> str:
    """A string that sorts like the version (numeric components, pre-release before release)."""
    m = _SEMVER.match(version)
    if not m:
        return "~" + version  # non-numeric versions sort after every numeric one, among themselves by text
    nums = [int(x) if x is not None else 0 for x in m.group(1, 2, 3)]
    ext = m.group(4)
    tail = "1" if ext is None else "0" + ext
    return ".".join(f"{n:09d}" for n in nums) + "." + tail


def is_stable(version: str) -> bool:
    """False for SDMX 3.0 versions with an extension (``-draft``)."""
    m = _SEMVER.match(version)
    return bool(m) and m.group(4) is None


def select(spec: str, versions: Iterable[str]) -> list[str]:
    """Versions matching a version query value (one value; split comma lists before calling)."""
    available = sorted(set(versions), key=sort_key)
    if not available:
        return []
    if spec in ("*", "all"):
        return available
    if spec == "~":
        return [available[-1]]
    if spec in ("latest", "+"):
        stable = [v for v in available if is_stable(v)]
        return [(stable or available)[-1]]
    if "+" in spec:
        m = _WILDCARD.match(spec)
        if not m:
            raise InvalidReference(f"Invalid version wildcard {spec!r}")
        parts = [p for p in m.groups() if p is not None]
        plus_at = next(i for i, p in enumerate(parts) if p.endswith("+"))
        floor = [int(p.rstrip("+")) for p in parts] + [0] * (3 - len(parts))
        candidates = []
        for v in available:
            vm = _SEMVER.match(v)
            if not vm or vm.group(4) is not None:
                continue
            nums = [int(x) if x is not None else 0 for x in vm.group(1, 2, 3)]
            if nums[:plus_at] != floor[:plus_at]:
                continue
            if nums >= floor:
                candidates.append(v)
        return candidates[-1:] if candidates else []
    return [spec] if spec in available else []
