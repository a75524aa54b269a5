"""Computing the next version."""

from __future__ import annotations

from verspec.version import Version


def bump(version: str, part: str) -> str:
    """Bump ``"major"``, ``"minor"`` or ``"patch"``; lower parts reset and pre-release is dropped."""
    v = Version.parse(version)
    if part == "major":
        return str(Version(v.major + 1, 0, 0))
    if part == "minor":
        return str(Version(v.major, v.minor + 1, 0))
    if part == "patch":
        # Bumping the patch of a pre-release releases it: 1.2.3-rc.1 -> 1.2.3.
        return str(Version(v.major, v.minor, v.patch if v.is_prerelease else v.patch + 1))
    raise ValueError(f"unknown part {part!r}; expected major, minor or patch")
