"""Where interview files come from: paths and folders (the command), uploads and zips (the admin).

Each source is a (name, bytes) pair, or (name, ImportFileError) for a file
that could not be read, which the importer reports like any broken file. A
whole collection arrives as a folder, read recursively, or as one zip.
"""

import io
import lzma
import zipfile
import zlib
from pathlib import PurePosixPath

from .frontmatter import ImportFileError
from .parsing import MAX_FILE_BYTES

SUFFIXES = (".md", ".mdx", ".markdown", ".txt")
MAX_ZIP_MEMBERS = 5_000  # a collection is hundreds of files; more is the wrong zip
MAX_ZIP_BYTES = 50_000_000  # text read out of one zip: a thousand long interviews
# What a damaged zip, or one with members in an odd encoding, compression or
# password, raises while it is opened or read.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    UnicodeDecodeError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
)


def is_interview_file(path):
    """A Markdown or text file, not hidden (nor inside a hidden folder such as .git)."""
    parts = PurePosixPath(path).parts
    return path.lower().endswith(SUFFIXES) and not any(
        part.startswith(".") or part == "__MACOSX" for part in parts
    )


def read_paths(paths):
    """Sources for files and folders; folders are read recursively, in path order."""
    for path in paths:
        if path.is_dir():
            files = sorted(
                file
                for file in path.rglob("*")
                if file.is_file() and is_interview_file(file.relative_to(path).as_posix())
            )
            if not files:
                yield str(path), ImportFileError(f"no {', '.join(SUFFIXES)} files in this folder")
            for file in files:
                yield str(file), read_file(file)
        elif path.suffix.lower() == ".zip" and path.is_file():
            data = read_file(path, limit=None)
            if isinstance(data, ImportFileError):
                yield str(path), data
            else:
                yield from read_zip(str(path), data)
        else:
            yield str(path), read_file(path)


def read_file(path, limit=MAX_FILE_BYTES + 1):
    # One byte past the limit is enough for the importer to call it too large.
    try:
        with path.open("rb") as file:
            return file.read(limit) if limit else file.read()
    except FileNotFoundError:
        return ImportFileError("no such file or folder")
    except OSError as exc:
        return ImportFileError(f"cannot read it ({exc.strerror})")


def read_uploads(uploads):
    """Sources for uploaded files (Django UploadedFile objects); a zip gives its members."""
    for upload in uploads:
        if upload.name.lower().endswith(".zip"):
            yield from read_zip(upload.name, upload.read())
        else:
            yield upload.name, upload.read(MAX_FILE_BYTES + 1)


def read_zip(name, data):
    """Sources for the interview files in a zip, named "archive.zip/folder/file.md"."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as exc:
        yield name, ImportFileError(f"not a zip file that can be read ({exc})")
        return
    with archive:
        members = sorted(
            (info for info in archive.infolist() if not info.is_dir()),
            key=lambda info: info.filename,
        )
        members = [info for info in members if is_interview_file(info.filename)]
        if not members:
            yield name, ImportFileError(f"no {', '.join(SUFFIXES)} files in this zip")
        if len(members) > MAX_ZIP_MEMBERS:
            yield name, ImportFileError(f"more than {MAX_ZIP_MEMBERS:,} files in this zip")
            return
        total = 0
        for info in members:
            member = f"{name}/{info.filename}"
            if total > MAX_ZIP_BYTES:
                yield (
                    member,
                    ImportFileError(
                        f"not read: the zip holds more than {MAX_ZIP_BYTES // 1_000_000} MB of text"
                    ),
                )
                continue
            try:
                with archive.open(info) as file:
                    # Read one byte past the limit at most: a small zip can
                    # expand to gigabytes.
                    data = file.read(MAX_FILE_BYTES + 1)
            except ZIP_ERRORS as exc:
                yield member, ImportFileError(f"cannot read it from the zip ({exc})")
                continue
            total += len(data)
            yield member, data
