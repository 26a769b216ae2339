"""Call the oir-agent MCP server the way an assistant does: launch it over stdio with the `mcp` SDK client,
check the pairs, edit with progress, save the full-size result.

    python examples/client_stdio.py                       # tiny random models: fast, offline, noise pictures
    python examples/client_stdio.py --model shapes        # the shipped ShapeWorld model
    python examples/client_stdio.py --model CompVis/stable-diffusion-v1-4 --image photo.jpg -s "..." -i "..."
"""

import argparse
import asyncio
import base64
import sys
from pathlib import Path

from mcp import Client, StdioServerParameters

HERE = Path(__file__).resolve().parent


async def main(args) -> int:
    image = Path(args.image).resolve()
    server = StdioServerParameters(command=sys.executable, args=[
        str(HERE.parent / "server.py"), "--model", args.model, "--allowed-dir", str(image.parent),
        "--output-dir", str(Path(args.out).resolve().parent)])
    async with Client(server, read_timeout_seconds=1800) as client:
        tools = await client.list_tools()
        print("tools:", ", ".join(t.name for t in tools.tools))

        pairs = await client.call_tool("extract_edit_pairs", {"source_prompt": args.source_prompt,
                                                              "instruction": args.instruction})
        print(pairs.content[0].text)
        if pairs.is_error:
            return 1

        async def progress(done, total, message):
            print(f"  [{done:5.1f}/{total:.0f}] {message}", file=sys.stderr)

        result = await client.call_tool("edit_image", {"image": str(image), "source_prompt": args.source_prompt,
                                                       "instruction": args.instruction, "steps": args.steps},
                                        progress_callback=progress)
        text = next(b.text for b in result.content if b.type == "text")
        print(text)
        if result.is_error:
            return 1
        uri = result.structured_content["output"]["uri"]
        full = await client.read_resource(uri)
        Path(args.out).write_bytes(base64.b64decode(full.contents[0].blob))
        print(f"saved {args.out} ({uri})")
        return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="tiny")
    ap.add_argument("--image", default=str(HERE / "dumplings.png"))
    ap.add_argument("-s", "--source-prompt", default="a bowl of dumplings on the left and chopsticks on the right")
    ap.add_argument("-i", "--instruction", default="replace the dumplings with fried rice and the chopsticks with a knife")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--out", default="out/client_result.png")
    a = ap.parse_args()
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    sys.exit(asyncio.run(main(a)))
