"""The content-addressed file store: named by sha256, laid out ab/cd/<sha256>, written atomically."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest

from backend.files import FileStore
from tests.contracts.helpers import PDF


def test_put_names_the_file_by_its_sha256_and_get_returns_the_bytes(tmp_path):
    store = FileStore(tmp_path / "files")
    sha = store.put(PDF)
    assert sha == hashlib.sha256(PDF).hexdigest()
    assert store.path(sha) == tmp_path / "files" / sha[:2] / sha[2:4] / sha
    assert store.path(sha).read_bytes() == PDF and store.get(sha) == PDF and store.exists(sha)
    with store.open(sha) as stored:
        assert stored.read(5) == b"%PDF-"


def test_the_same_bytes_are_stored_once_and_no_temporary_file_is_left(tmp_path):
    store = FileStore(tmp_path)
    first = store.put(PDF)
    before = store.path(first).stat().st_mtime_ns
    assert store.put(PDF) == first and store.path(first).stat().st_mtime_ns == before
    other = store.put(PDF + b"% another page\n")
    files = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert files == sorted([first, other])


def test_concurrent_writers_of_the_same_file_leave_one_whole_copy(tmp_path):
    store = FileStore(tmp_path)
    data = b"%PDF-" + os.urandom(2_000_000)
    names: list[str] = []
    threads = [threading.Thread(target=lambda: names.append(store.put(data))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(names)) == 1 and store.get(names[0]) == data
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [names[0]]


@pytest.mark.parametrize("name", ["../../etc/passwd", "ab", "A" * 64, hashlib.sha256(b"x").hexdigest() + "/.."])
def test_only_digests_name_files(tmp_path, name):
    store = FileStore(tmp_path)
    with pytest.raises(ValueError):
        store.path(name)
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(missing)
    with pytest.raises(FileNotFoundError):
        store.get(missing)
