#!/usr/bin/env bash
# A real third-party MCP client against `oir-agent serve --model tiny`: tools/list and one tools/call of each
# tool, each checked for isError: false. Needs node/npm (the npm registry) and the project's venv active.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  echo "inspector check SKIPPED: npm is not installed (it needs node/npm to fetch @modelcontextprotocol/inspector)."
  exit 0
fi
NODE_DIR=.ci/node
mkdir -p "$NODE_DIR"
(cd "$NODE_DIR" && npm install --no-audit --no-fund --silent @modelcontextprotocol/inspector >/dev/null)
OUT=$(mktemp -d)
SERVER=(oir-agent serve --model tiny --allowed-dir "$PWD/examples" --output-dir "$OUT")
inspect() { (cd "$NODE_DIR" && npx --no-install @modelcontextprotocol/inspector --cli "${SERVER[@]}" "$@" 2>/dev/null); }
check() {  # $1 = label; stdin = JSON
  python -c 'import json,sys; d=json.load(sys.stdin); label=sys.argv[1]
if "tools" in d: names={t["name"] for t in d["tools"]}; assert {"edit_image","extract_edit_pairs","find_objects","refine_edit","view_candidates"} <= names, names
else: assert d.get("isError") is False, (label, d)
print("inspector ok:", label)' "$1"
}
inspect --method tools/list | check tools/list
inspect --method tools/call --tool-name extract_edit_pairs --tool-arg "source_prompt=a cat on a sofa" \
  --tool-arg "target_prompt=a dog on a sofa" | check extract_edit_pairs
inspect --method tools/call --tool-name edit_image --tool-arg image=dumplings.png \
  --tool-arg "source_prompt=a bowl of dumplings on the left and chopsticks on the right" \
  --tool-arg "instruction=replace the dumplings with fried rice" --tool-arg steps=3 --tool-arg return_image=link \
  | check edit_image
inspect --method tools/call --tool-name find_objects --tool-arg image=dumplings.png \
  --tool-arg 'phrases=["dumplings"]' | check find_objects
inspect --method resources/read --uri ui://oir-agent/edit | python -c 'import json,sys; c=json.load(sys.stdin)["contents"][0]
assert c["mimeType"] == "text/html;profile=mcp-app" and c["text"].startswith("<!doctype html>"), c.get("mimeType")
print("inspector ok: resources/read ui://oir-agent/edit (the MCP App view)")'
rm -rf "$OUT"
