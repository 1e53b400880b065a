#!/usr/bin/env python3
"""Writes a gzip (`X.gz`, level 9) and, where Node.js is on PATH, a brotli (`X.br`,
quality 11, through Node's built-in zlib) copy of every compressible file of a build, for
scripts/serve.py or any static host that serves precompressed files.

Run by Trunk as a post-build hook (after scripts/model-html.py, so model.html is
compressed too) with the staging directory in TRUNK_STAGING_DIR, or with a directory as
the first argument. A copy is kept only when it is smaller than the file. Output is
deterministic (no time stamp in the gzip header).
"""
import gzip
import os
import shutil
import subprocess
import sys

COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".wasm", ".svg", ".json", ".txt", ".map"}

# Node's zlib has brotli built in: no package to install.
BROTLI_JS = r"""
const fs = require('fs'), zlib = require('zlib');
for (const f of process.argv.slice(1)) {
  const src = fs.readFileSync(f);
  const out = zlib.brotliCompressSync(src, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
    [zlib.constants.BROTLI_PARAM_SIZE_HINT]: src.length } });
  if (out.length < src.length) fs.writeFileSync(f + '.br', out);
}
"""


def main() -> int:
    root = sys.argv[1] if len(sys.argv) > 1 else os.environ["TRUNK_STAGING_DIR"]
    files = []
    for dirpath, _, names in os.walk(root):
        for n in sorted(names):
            if os.path.splitext(n)[1].lower() in COMPRESSIBLE:
                files.append(os.path.join(dirpath, n))
    for f in files:
        with open(f, "rb") as src:
            data = src.read()
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        if len(packed) < len(data):
            with open(f + ".gz", "wb") as out:
                out.write(packed)
    node = shutil.which("node")
    if node and files:
        subprocess.run([node, "-e", BROTLI_JS, *files], check=True)
    made = sum(os.path.isfile(f + ".gz") for f in files), sum(os.path.isfile(f + ".br") for f in files)
    print(f"precompress: {len(files)} files, {made[0]} .gz, {made[1]} .br ({'node' if node else 'no node: gzip only'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
