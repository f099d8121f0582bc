"""Every repository path the README and the docs name exists.

What counts as a named path: in README.md, BENCHMARKS.md and docs/*.md, the target of a
Markdown link, and each word of a `backticked` span that contains a "/" or ends in a file
extension (.py, .md, .sh, .yml, ...). A backticked command is split into its words, so
`.venv/bin/python scripts/restore.sh` names two paths.

How a path is found: relative to the repository root, else to the document's own folder (a
link from docs/design.md to legal.md). A bare file name without a "/" (`services.py`) must
exist somewhere in the repository. A glob (`bench/*.py`) or a brace list
(`deploy/systemd/privacysite-backup.{service,timer}`) must match at least one file each.

Not repository paths, and so not checked (the rule is in ``not_a_repository_path``):
- anything starting with "/": a path on the site (`/admin/`, `/my-data/`) or on the server
  (`/etc/privacysite/env`, `/var/backups/privacysite`); repository paths are written from
  the repository root, never with a leading "/";
- URLs (`http://…`, `redis://…`, `consolemail://`) and anchors (`#settings`);
- placeholders and variables (`<time>`, `$BACKUP_DIR/…`, `…`);
- rate limits written as count/period (`10/10m`, `3/h`);
- what `make run` creates and git ignores (`.venv`, `var/`, `.env`);
- the short explicit list ``NOT_PATHS`` below (MIME types and the like).
"""

import os
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", ROOT / "BENCHMARKS.md", *sorted((ROOT / "docs").glob("*.md"))]

EXTENSIONS = (
    ".py",
    ".md",
    ".yml",
    ".yaml",
    ".conf",
    ".sh",
    ".toml",
    ".txt",
    ".cfg",
    ".ini",
    ".html",
    ".po",
    ".png",
    ".service",
    ".timer",
    ".example",
)
# Made at run time and ignored by git (each is checked to be in .gitignore below).
GENERATED = {".venv", "var", ".env"}
# Written like a path, named as something else.
NOT_PATHS = {
    "application/problem+json",  # a MIME type
    "application/json",  # a MIME type
    "sign_/file_dossierversion",  # two permission names, sign_dossierversion and file_…
    "EtonMu/global-ai-data-regulation-map",  # a GitHub repository, cited as a source
    "pyvenv.cfg",  # the file that marks any virtual environment, not one of ours
    "node_modules/",  # npm's folder, made by `npm ci` (git-ignored, like .venv)
}

BACKTICKED = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
RATE = re.compile(r"^\d+/\d*[smhd]$")


def not_a_repository_path(word: str) -> bool:
    return (
        word.startswith(("/", "#", "-"))
        or "://" in word
        or word.startswith(("mailto:", "http:", "https:"))
        or any(mark in word for mark in "<>$…=@")
        or bool(RATE.match(word))
        or bool(re.fullmatch(r"[\d.:a-f]+/\d+", word))  # a network (127.0.0.1/32)
        or word in NOT_PATHS
        or bool(re.fullmatch(r"\.\w+", word))  # an extension alone (`.po`)
        or word.split("/")[0] in GENERATED
        or "/.venv" in word
    )


def looks_like_a_path(word: str) -> bool:
    return "/" in word or word.endswith(EXTENSIONS)


def named_paths(document: Path):
    """(word, line number) for every path-like word the document names, outside fenced code."""
    text = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), document.read_text())
    for number, line in enumerate(text.splitlines(), start=1):
        words = [link.split("#")[0] for link in LINK.findall(line)]
        for span in BACKTICKED.findall(line):
            words.extend(span.split())
        for word in words:
            word = word.strip(",;:()[]\"'").rstrip(".")
            if word and looks_like_a_path(word) and not not_a_repository_path(word):
                yield word, number


def expand_braces(word: str) -> list[str]:
    match = re.search(r"\{([^{}]*)\}", word)
    if not match:
        return [word]
    head, tail = word[: match.start()], word[match.end() :]
    return [w for part in match.group(1).split(",") for w in expand_braces(head + part + tail)]


@cache
def names_in_the_repository() -> frozenset[str]:
    names = set()
    for _folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in {".git", *GENERATED, "__pycache__"}]
        names.update(dirs, files)
    return frozenset(names)


def attribute_exists(name: str) -> bool | None:
    """`customers/core/validators.parse_phone`: a module's file and a name in it."""
    module, _, attribute = name.rpartition(".")
    if "/" not in module or "." + attribute in EXTENSIONS or not attribute.isidentifier():
        return None
    source = ROOT / f"{module}.py"
    return source.exists() and re.search(rf"\b{attribute}\b", source.read_text()) is not None


def exists(word: str, document: Path) -> bool:
    for candidate in expand_braces(word):
        name = candidate.rstrip("/")
        if (found := attribute_exists(name)) is not None:
            pass
        elif "/" not in name:
            found = name in names_in_the_repository()
        elif any(mark in name for mark in "*?["):
            found = any(ROOT.glob(name)) or any(document.parent.glob(name))
        else:
            found = (ROOT / name).exists() or (document.parent / name).exists()
        if not found:
            return False
    return True


def test_the_documents_are_found():
    assert (ROOT / "README.md").exists() and len(DOCUMENTS) >= 4


def test_generated_paths_are_ignored_by_git():
    ignored = {line.strip().strip("/") for line in (ROOT / ".gitignore").read_text().splitlines()}
    assert ignored >= GENERATED


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_named_path_exists(document):
    missing = [
        f"{document.relative_to(ROOT)}:{number}: {word}"
        for word, number in named_paths(document)
        if not exists(word, document)
    ]
    assert not missing, "named in the docs but not in the repository:\n" + "\n".join(missing)


@pytest.mark.parametrize(
    "word",
    ["/admin/", "/etc/privacysite/env", "redis://127.0.0.1:6379/0", "10/10m", "3/h", "var/media"],
)
def test_the_rule_leaves_out_what_is_not_a_repository_path(word):
    assert not_a_repository_path(word)


def test_the_rule_checks_repository_paths(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("See `customers/roles.py` and [the design](docs/design.md).\n")
    assert list(named_paths(doc)) == [("docs/design.md", 1), ("customers/roles.py", 1)]
    assert not exists("customers/roles.py", doc)
    assert exists("customers/core/roles.py", doc)
    assert exists("deploy/systemd/privacysite-backup.{service,timer}", doc)
    assert exists("bench/*.py", doc)
    assert exists("customers/core/validators.parse_phone", doc)
    assert not exists("customers/core/validators.no_such_function", doc)
    assert not exists("bench/*.rs", doc)
