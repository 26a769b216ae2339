// The OIR edit view: before/after, mask outlines, each pair's candidate strip, score curve and step slider.
// Two ways in, one page: inside an MCP Apps host (the official App class talks to the host over postMessage) or
// standalone (`oir-agent view`: the edit is embedded in the page; with --serve, refines go to a local bridge).
import { App } from "@modelcontextprotocol/ext-apps";

const VIEW_KEY = "oir-agent/view"; // the result's _meta entry that carries the pictures (not shown to the model)
const COLOURS = ["#ff3b30", "#34c759", "#0a84ff", "#ff9f0a", "#bf5af2", "#64d2ff", "#ffd60a", "#ff375f"];

const $ = (id) => document.getElementById(id);
let edit = null; // the payload now shown
let busy = false;
let callTool = null; // (name, args) => Promise<CallToolResult>
let tellModel = null; // (text, data) => Promise, where the host lets the view update the model's context

function setStatus(text, kind = "") {
  const s = $("status");
  s.textContent = text;
  s.className = kind;
}

function payloadOf(result) {
  if (!result) return null;
  if (result.isError) {
    const text = (result.content || []).filter((c) => c.type === "text").map((c) => c.text).join(" ");
    throw new Error(text || "the tool call failed");
  }
  const meta = result._meta || {};
  return meta[VIEW_KEY] || null;
}

function render(p) {
  edit = p;
  $("empty").hidden = true;
  $("view").hidden = false;
  $("title").textContent = `${p.source_prompt}  \u2192  ${p.target_prompt}`;
  const t = p.timings_s && p.timings_s.total != null ? `${p.timings_s.total.toFixed(1)} s` : "";
  $("facts").textContent = `${p.model} \u00b7 ${p.num_inference_steps} steps \u00b7 ${p.cost.unet_sample_evals} UNet ` +
    `sample evaluations in ${p.cost.unet_calls} calls \u00b7 ${t} \u00b7 edit ${p.edit_id || "(not kept)"}`;
  const w = $("warnings");
  w.replaceChildren(...(p.warnings || []).map((x) => Object.assign(document.createElement("li"), { textContent: x })));
  $("after").src = p.result;
  $("before").src = p.input;
  $("after").onload = () => {
    $("compare").classList.toggle("small", $("after").naturalWidth < 256);
    layout();
  };
  $("pairs").replaceChildren(...p.pairs.map(pairSection));
  layout();
}

function layout() {
  const after = $("after");
  const w = after.clientWidth, h = after.clientHeight;
  if (!w || !h) return;
  $("before").style.width = `${w}px`;
  $("before").style.height = `${h}px`;
  $("before-wrap").style.width = `${$("wipe").value}%`;
  drawOutlines(w, h);
}

function drawOutlines(w, h) {
  const canvas = $("outlines");
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, w, h);
  if (!$("show-outlines").checked || !edit) return;
  edit.pairs.forEach((pair, k) => {
    if (!pair.mask) return;
    const img = new Image();
    img.onload = () => {
      const off = document.createElement("canvas");
      off.width = w;
      off.height = h;
      const o = off.getContext("2d");
      o.drawImage(img, 0, 0, w, h);
      const m = o.getImageData(0, 0, w, h).data;
      const inside = (x, y) => x >= 0 && y >= 0 && x < w && y < h && m[(y * w + x) * 4] > 127;
      ctx.fillStyle = COLOURS[k % COLOURS.length];
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if (inside(x, y) && !(inside(x - 1, y) && inside(x + 1, y) && inside(x, y - 1) && inside(x, y + 1))) {
            ctx.fillRect(x - 1, y - 1, 2, 2);
          }
        }
      }
    };
    img.src = pair.mask;
  });
}

function pairSection(pair, k) {
  const el = document.createElement("article");
  el.className = "pair";
  el.dataset.pair = pair.id;
  const head = document.createElement("header");
  const sw = Object.assign(document.createElement("span"), { className: "swatch" });
  sw.style.background = COLOURS[k % COLOURS.length];
  const title = Object.assign(document.createElement("strong"), { textContent: `${pair.source} \u2192 ${pair.target}` });
  const note = Object.assign(document.createElement("span"), {
    className: "muted",
    textContent: `${pair.kind} \u00b7 mask ${pair.mask_provider}, ${(100 * pair.area_fraction).toFixed(0)}% \u00b7 ` +
      `step ${pair.optimal_step}/${edit.num_inference_steps} (${pair.strategy})`,
  });
  head.append(sw, title, note);

  const slider = document.createElement("div");
  slider.className = "slider";
  const input = Object.assign(document.createElement("input"), {
    type: "range", min: 1, max: edit.num_inference_steps, step: 1, value: pair.optimal_step,
  });
  input.setAttribute("aria-label", `inversion step for ${pair.id}`);
  input.dataset.pair = pair.id;
  const value = Object.assign(document.createElement("output"), { textContent: `step ${pair.optimal_step}` });
  input.addEventListener("input", () => { value.textContent = `step ${input.value}`; });
  input.addEventListener("change", () => refine(pair, Number(input.value)));
  const less = Object.assign(document.createElement("span"), { className: "muted", textContent: "closer to input" });
  const more = Object.assign(document.createElement("span"), { className: "muted", textContent: "more change" });
  slider.append(less, input, more, value);

  const strip = document.createElement("div");
  strip.className = "strip";
  (pair.thumbs || []).forEach((src, i) => {
    const step = pair.steps[i];
    const fig = document.createElement("figure");
    if (step === pair.optimal_step) fig.className = "chosen";
    fig.title = `step ${step}: score ${fmt(pair.score[i])}`;
    fig.append(Object.assign(document.createElement("img"), { src, alt: `candidate at step ${step}` }),
      Object.assign(document.createElement("figcaption"), { textContent: String(step) }));
    fig.addEventListener("click", () => { input.value = step; value.textContent = `step ${step}`; refine(pair, step); });
    strip.append(fig);
  });
  if (!(pair.thumbs || []).length) {
    strip.append(Object.assign(document.createElement("span"), {
      className: "muted", textContent: "candidates were not kept for this edit",
    }));
  }
  el.append(head, slider, strip, curve(pair));
  requestAnimationFrame(() => { // the chosen candidate in sight
    const chosen = strip.querySelector("figure.chosen");
    if (chosen) strip.scrollLeft = chosen.offsetLeft - strip.offsetLeft - strip.clientWidth / 2;
  });
  return el;
}

function fmt(x) {
  return x == null || !Number.isFinite(x) ? "n/a" : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(3);
}

function curve(pair) {
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("class", "curve");
  svg.setAttribute("viewBox", "0 0 400 70");
  svg.setAttribute("preserveAspectRatio", "none");
  const n = edit.num_inference_steps;
  const pts = pair.steps.map((s, i) => [s, pair.score[i]]).filter(([, v]) => v != null && Number.isFinite(v));
  if (pts.length) {
    const lo = Math.min(...pts.map((p) => p[1])), hi = Math.max(...pts.map((p) => p[1]));
    const X = (s) => 4 + (392 * (s - 1)) / Math.max(1, n - 1);
    const Y = (v) => 64 - (56 * (v - lo)) / (hi - lo || 1);
    const line = document.createElementNS(NS, "polyline");
    line.setAttribute("points", pts.map(([s, v]) => `${X(s).toFixed(1)},${Y(v).toFixed(1)}`).join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", "currentColor");
    line.setAttribute("stroke-width", "1.5");
    const mark = document.createElementNS(NS, "line");
    const x = X(pair.optimal_step).toFixed(1);
    Object.entries({ x1: x, x2: x, y1: 2, y2: 68, stroke: "#2f6fdf", "stroke-width": 2 })
      .forEach(([a, v]) => mark.setAttribute(a, v));
    const title = document.createElementNS(NS, "title");
    title.textContent = `score (${pair.metric}) per evaluated step; the line marks step ${pair.optimal_step}`;
    svg.append(title, line, mark);
  }
  return svg;
}

async function refine(pair, step) {
  if (!callTool) {
    setStatus("This is a static report: run `oir-agent view ... --edit FILE --serve` to move the sliders.", "error");
    return;
  }
  if (busy || !edit || !edit.edit_id) return;
  busy = true;
  document.querySelectorAll("input[type=range][data-pair]").forEach((i) => { i.disabled = true; });
  const started = performance.now();
  const tick = setInterval(() => {
    setStatus(`re-assembling with ${pair.id} at step ${step} ... ${((performance.now() - started) / 1000).toFixed(0)} s`,
      "busy");
  }, 500);
  setStatus(`re-assembling with ${pair.id} at step ${step} ...`, "busy");
  try {
    const result = await callTool("refine_edit", { edit_id: edit.edit_id, steps: { [pair.id]: step }, return_image: "link" });
    const next = payloadOf(result);
    if (!next) throw new Error("the refine result carried no view data");
    render(next);
    const steps = Object.fromEntries(next.pairs.map((p) => [p.id, p.optimal_step]));
    setStatus(`${pair.id}: step ${step} (${next.cost.unet_sample_evals} UNet sample evaluations, ` +
      `${(next.timings_s.total || 0).toFixed(1)} s)`);
    if (tellModel) {
      await tellModel(`The user moved ${JSON.stringify(pair.id)} to inversion step ${step} in the edit view; the edit ` +
        `${next.edit_id} now uses steps ${JSON.stringify(steps)} and its result is ${next.output_uri || "shown in the view"}.`,
        { edit_id: next.edit_id, steps, output_uri: next.output_uri || null });
    }
  } catch (err) {
    setStatus(`refine failed: ${err.message || err}`, "error");
    if (edit) render(edit);
  } finally {
    clearInterval(tick);
    busy = false;
    document.querySelectorAll("input[type=range][data-pair]").forEach((i) => { i.disabled = false; });
  }
}

async function standalone(data) {
  const bridge = document.querySelector('meta[name="oir-bridge"]');
  if (bridge) {
    callTool = async (name, args) => {
      const r = await fetch(bridge.content, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name, arguments: args }),
      });
      return r.json();
    };
  }
  render(JSON.parse(data.textContent));
}

async function hosted() {
  const app = new App({ name: "oir-agent edit view", version: "1" });
  app.ontoolinput = (params) => { // the call has started: say what is being edited until its result arrives
    const a = (params && params.arguments) || {};
    if (edit) return;
    const what = a.instruction || (a.target_prompt ? `${a.source_prompt || ""} \u2192 ${a.target_prompt}` : "");
    $("empty").textContent = `Editing${what ? `: ${what}` : ""} ... (this takes seconds to minutes)`;
  };
  app.ontoolresult = (result) => {
    try {
      const p = payloadOf(result);
      if (p) render(p);
      else setStatus("this result carries no view data (the host did not negotiate MCP Apps)", "error");
    } catch (err) {
      setStatus(String(err.message || err), "error");
    }
  };
  await app.connect();
  const caps = app.getHostCapabilities ? app.getHostCapabilities() : null;
  callTool = (name, args) => app.callServerTool({ name, arguments: args });
  if (!caps || caps.updateModelContext) {
    tellModel = (text, data) => app.updateModelContext({ content: [{ type: "text", text }], structuredContent: data });
  }
}

window.addEventListener("resize", layout);
document.addEventListener("DOMContentLoaded", () => {
  $("wipe").addEventListener("input", layout);
  $("show-outlines").addEventListener("change", layout);
  const data = document.getElementById("oir-view-data");
  (data ? standalone(data) : hosted()).catch((err) => setStatus(`view: ${err.message || err}`, "error"));
});
