#!/usr/bin/env bash
# Rewrites the README's recipe key reference (between the recipe-keys markers) from the effects'
# own declarations: `audioamp recipe keys --markdown`. A test fails when the two differ.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${AUDIOAMP:-.build/debug/audioamp}
[ -x "$bin" ] || swift build --product audioamp >/dev/null
"$bin" recipe keys --markdown > .readme-keys.tmp
python3 - <<'PY'
import re
readme = open("README.md", encoding="utf-8").read()
keys = open(".readme-keys.tmp", encoding="utf-8").read().rstrip("\n")
begin = "<!-- recipe-keys:begin"
end = "<!-- recipe-keys:end -->"
a = readme.index(begin)
a = readme.index("-->", a) + 3
b = readme.index(end)
open("README.md", "w", encoding="utf-8").write(readme[:a] + "\n" + keys + "\n" + readme[b:])
PY
rm -f .readme-keys.tmp
echo "update-readme-keys: README.md recipe key reference rewritten"
