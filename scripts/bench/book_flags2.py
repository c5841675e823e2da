"""Runs the book's flags2_asyncio.py (Fluent Python, 20-executors/getflags) against a server of our choosing.

Usage: book_flags2.py BOOK_GETFLAGS BASE_URL DEST_DIR [flags2 arguments, e.g. -e -m 100]

The book hard-codes SERVERS['LOCAL'] = 'http://localhost:8000/flags' and writes to ./downloaded: this
runner (our code; the book's is only imported from BOOK_GETFLAGS, never copied) points LOCAL at
BASE_URL, works in DEST_DIR, and runs the book's script as __main__ with `-s LOCAL` and the arguments.
Exits 3 with a "skipped: ..." line when httpx or tqdm is missing.
"""

import os
import runpy
import sys


def main() -> None:
    book, base_url, dest, *args = sys.argv[1:]
    try:
        import httpx  # noqa: F401
        import tqdm  # noqa: F401
    except ImportError as exc:
        print(f"skipped: {sys.executable} lacks {exc.name} (apt-get install python3-httpx python3-tqdm)")
        sys.exit(3)
    sys.path.insert(0, book)
    import flags2_common

    flags2_common.SERVERS["LOCAL"] = base_url
    os.chdir(dest)
    sys.argv = ["flags2_asyncio.py", "-s", "LOCAL", *args]
    runpy.run_path(os.path.join(book, "flags2_asyncio.py"), run_name="__main__")


if __name__ == "__main__":
    main()
