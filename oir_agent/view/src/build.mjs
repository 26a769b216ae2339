// Builds ../edit.html: view.js and its one dependency (the MCP Apps App class) bundled by esbuild and inlined into
// view.html, so the page is one self-contained file with no external origin. Run: npm ci && npm run build
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";

const out = await build({
  entryPoints: ["view.js"], bundle: true, format: "iife", minify: true, target: "es2020", write: false,
  legalComments: "none",
});
const code = out.outputFiles[0].text.replace(/<\/script/gi, "<\\/script");
const html = readFileSync("view.html", "utf8");
if (!html.includes("<!--SCRIPT-->")) throw new Error("view.html has no <!--SCRIPT--> marker");
const page = html.replace("<!--SCRIPT-->", () => `<script>${code}</script>`);
writeFileSync("../edit.html", page);
console.log(`../edit.html: ${page.length} bytes (script ${code.length} bytes)`);
