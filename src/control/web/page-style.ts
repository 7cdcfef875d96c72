/** The page's stylesheet: system fonts only, light and dark, one column on a phone. */
export const PAGE_STYLE = String.raw`
:root{--bg:#f4f5f7;--card:#fff;--ink:#1c2330;--muted:#667085;--line:#e3e6eb;--accent:#2f6fdf;
--ok:#12a150;--warn:#d08700;--bad:#d92d20;--idle:#8a94a6;--term:#0f1420;--termink:#d6deeb;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--ink:#e6edf3;--muted:#8b949e;--line:#2a313c;
--accent:#58a6ff;--idle:#6e7681;--term:#010409}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Ubuntu,sans-serif}
header{background:var(--card);border-bottom:1px solid var(--line);padding:14px 20px;display:flex;flex-wrap:wrap;gap:10px 24px;align-items:center;justify-content:space-between;position:sticky;top:0;z-index:2}
.brand{display:flex;gap:12px;align-items:center;min-width:0}
.mark{width:34px;height:34px;border-radius:9px;background:linear-gradient(135deg,var(--accent),#7c5cff);color:#fff;display:grid;place-items:center;font-weight:700;font-size:14px;flex:none}
h1{font-size:18px;margin:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.sub{color:var(--muted);font-size:13px}
.live{display:inline-flex;align-items:center;gap:6px;font-size:13px;color:var(--muted)}
.live i{width:8px;height:8px;border-radius:50%;background:var(--idle)}
.live.on i{background:var(--ok);box-shadow:0 0 0 3px color-mix(in srgb,var(--ok) 25%,transparent)}
.counts{display:flex;gap:8px;flex-wrap:wrap}
.chip{font-size:13px;padding:3px 10px;border-radius:999px;background:var(--bg);border:1px solid var(--line)}
.chip b{font-variant-numeric:tabular-nums}
main{max-width:1100px;margin:0 auto;padding:16px}
.bar{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin-bottom:14px}
.bar input{flex:1 1 180px;min-width:0;padding:8px 12px;border-radius:8px;border:1px solid var(--line);background:var(--card);color:var(--ink);font:inherit}
button{font:inherit;font-size:14px;padding:7px 13px;border-radius:8px;border:1px solid var(--line);background:var(--card);color:var(--ink);cursor:pointer}
button:hover:not(:disabled){border-color:var(--accent);color:var(--accent)}
button:disabled,button.primary:disabled{opacity:.5;cursor:default;background:var(--card);border-color:var(--line);color:var(--muted)}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
button.primary:hover:not(:disabled){color:#fff;filter:brightness(1.08)}
button.danger:hover:not(:disabled){border-color:var(--bad);color:var(--bad)}
.proc{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--idle);border-radius:10px;margin-bottom:10px;padding:12px 14px}
.proc[data-tone=ok]{border-left-color:var(--ok)}.proc[data-tone=warn]{border-left-color:var(--warn)}.proc[data-tone=bad]{border-left-color:var(--bad)}
.row{display:grid;grid-template-columns:minmax(0,1.6fr) repeat(4,minmax(70px,.55fr)) auto;gap:12px;align-items:center}
.name{font-weight:600;word-break:break-all}
.name small{color:var(--muted);font-weight:400}
.desc{color:var(--muted);font-size:13px;margin-top:2px;word-break:break-word}
.badge{display:inline-block;font-size:11px;font-weight:700;letter-spacing:.04em;padding:2px 8px;border-radius:6px;margin-right:8px;vertical-align:1px;background:color-mix(in srgb,var(--idle) 18%,transparent);color:var(--idle)}
.proc[data-tone=ok] .badge{background:color-mix(in srgb,var(--ok) 16%,transparent);color:var(--ok)}
.proc[data-tone=warn] .badge{background:color-mix(in srgb,var(--warn) 18%,transparent);color:var(--warn)}
.proc[data-tone=bad] .badge{background:color-mix(in srgb,var(--bad) 16%,transparent);color:var(--bad)}
.stat{font-variant-numeric:tabular-nums;font-size:14px}
.stat span{display:block;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.acts{display:flex;gap:6px;flex-wrap:wrap;justify-content:flex-end}
.acts button{padding:5px 10px;font-size:13px}
.proc.busy{opacity:.7}
.tail{margin-top:10px;display:none}
.proc.tailing .tail{display:block}
.tail .tabs{display:flex;gap:6px;margin-bottom:6px}
.tail .tabs button{padding:3px 10px;font-size:12px}
.tail .tabs button.on{background:var(--accent);border-color:var(--accent);color:#fff}
pre{margin:0;background:var(--term);color:var(--termink);border-radius:8px;padding:10px 12px;font:12.5px/1.5 ui-monospace,"SF Mono",Menlo,Consolas,"DejaVu Sans Mono",monospace;max-height:320px;overflow:auto;white-space:pre-wrap;word-break:break-all}
.empty{color:var(--muted);text-align:center;padding:40px}
#toast{position:fixed;left:50%;bottom:18px;transform:translateX(-50%);background:var(--ink);color:var(--card);padding:10px 16px;border-radius:10px;font-size:14px;max-width:92vw;opacity:0;transition:opacity .2s;pointer-events:none}
#toast.show{opacity:1}
footer{color:var(--muted);font-size:12px;text-align:center;padding:8px 0 24px}
@media (max-width:760px){
 header{padding:12px 14px}
 main{padding:10px}
 .row{grid-template-columns:repeat(4,minmax(0,1fr))}
 .row .who{grid-column:1/-1}
 .acts{grid-column:1/-1;justify-content:flex-start}
 .acts button{flex:1 1 auto}
 .bar input{flex-basis:100%}
 .bar button{flex:1 1 0}
 .counts{gap:6px}
}
`;
