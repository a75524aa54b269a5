"""engine.container with a Reaper: removal leaves the caller's path, but nothing is left behind."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from sandbox import engine


class FakeContainer:
    def __init__(self, gate: threading.Event | None = None):
        self.removed = False
        self.gate = gate

    def remove(self, force: bool, v: bool) -> None:
        if self.gate:
            self.gate.wait(5)
        self.removed = True


class FakeClient:
    def __init__(self, c: FakeContainer):
        self.containers = self
        self.c = c

    def create(self, *a, **kw) -> FakeContainer:
        return self.c


def test_without_a_reaper_the_container_is_gone_on_exit():
    c = FakeContainer()
    with engine.container(FakeClient(c), "img", ["true"], role="run"):
        pass
    assert c.removed


def test_a_reaper_removes_after_the_caller_moved_on_and_drain_waits_for_it():
    gate = threading.Event()
    c = FakeContainer(gate)
    reaper = engine.Reaper()
    with engine.container(FakeClient(c), "img", ["true"], role="run", reaper=reaper):
        pass
    assert not c.removed  # the removal is blocked on the gate: the caller did not wait for it
    gate.set()
    reaper.drain()
    assert c.removed


def test_a_failing_run_removes_its_container_at_once_even_with_a_reaper():
    c = FakeContainer()
    with pytest.raises(KeyboardInterrupt), engine.container(FakeClient(c), "img", ["true"], role="run",
                                                            reaper=engine.Reaper()):
        raise KeyboardInterrupt
    assert c.removed


def test_reaper_tasks_run_in_order_and_a_failure_does_not_stop_the_rest():
    reaper, done = engine.Reaper(), []
    reaper.later(lambda: done.append(1))
    reaper.later(lambda: 1 / 0)
    reaper.later(lambda: done.append(3))
    reaper.drain()
    assert done == [1, 3]


class ConflictingClient:
    """create() answers 409 while a container holds the name (as the engine does)."""

    def __init__(self, holder_labels: dict[str, str]):
        self.containers = self
        self.holder = FakeContainer()
        self.holder.labels = holder_labels
        self.created = []

    def create(self, image, command, **kw):
        import docker

        if not self.holder.removed:
            raise docker.errors.APIError("Conflict", response=SimpleNamespace(status_code=409, reason="Conflict"))
        self.created.append(kw["name"])
        return FakeContainer()

    def get(self, name):
        import docker

        if self.holder.removed:
            raise docker.errors.NotFound("gone")
        return self.holder


def test_a_name_held_by_our_own_leftover_is_freed_and_the_create_retried():
    from sandbox.labels import LABEL

    client = ConflictingClient({LABEL: "run"})
    engine.create(client, "img", ["true"], labels={}, name="capuchin-eval.r.m.i")
    assert client.holder.removed
    assert client.created == ["capuchin-eval.r.m.i"]


def test_a_name_held_by_someone_elses_container_is_left_alone():
    import docker

    client = ConflictingClient({})
    with pytest.raises(docker.errors.APIError):
        engine.create(client, "img", ["true"], labels={}, name="theirs")
    assert not client.holder.removed
